"""Who has which role (with sign-in): `users list`, `users set EMAIL ROLE`,
`users remove EMAIL`. Every change is written to the role log with the operator's name
(`COOPDASH_ACTOR` or the OS user), exactly as the Admin page writes it."""

from __future__ import annotations

import sys

from coopdash import access, settings
from coopdash.cli.common import open_store
from coopdash.i18n import t


def cmd_list(args) -> int:
    from coopdash.store import users

    con = open_store(args, read_only=True)
    if con is None:
        return 2
    try:
        df = users.listed(con)
    finally:
        con.close()
    admins = settings.get().admins
    for row in df.itertuples(index=False):
        print(f"{row.email}\t{row.role}\t{row.changed_at:%Y-%m-%d %H:%M}\t{row.changed_by}")
    for email in admins:
        print(f"{email}\tadmin\t{t('access.cli.from_setting', args.lang)}")
    if df.empty and not admins:
        print(t("access.cli.nobody", args.lang))
    return 0


def _change(args, email: str, role: str | None) -> int:
    from coopdash import store
    from coopdash.store import users

    try:
        email = access.email(email)
        role = access.check_role(role) if role is not None else None
    except access.AccessError as exc:
        print(exc, file=sys.stderr)
        return 2
    con = open_store(args)  # says why when there is no store
    if con is None:
        return 2
    con.close()
    actor = settings.get().actor
    try:
        with store.writing(args.db, actor=actor, what="role", file_name=email) as con:
            old, new = users.set_role(con, email, role, actor=actor,
                                      admins=settings.get().admins)
    except store.WriterBusyError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    except access.LastAdminError as exc:
        print(t("access.last_admin", args.lang, email=exc.email), file=sys.stderr)
        return 2
    none = t("access.no_role", args.lang)
    print(t("access.cli.changed" if old != new else "access.cli.unchanged", args.lang,
            email=email, old=old or none, new=new or none))
    if email in settings.get().admins:
        print(t("access.cli.setting_wins", args.lang, email=email))
    return 0


def cmd_set(args) -> int:
    return _change(args, args.email, args.role)


def cmd_remove(args) -> int:
    return _change(args, args.email, None)


def register(sub, common) -> None:
    p = sub.add_parser("users", help="who has which role (with sign-in)")
    cmds = p.add_subparsers(dest="users_command", required=True)
    p_list = cmds.add_parser("list", parents=[common], help="every person with a role")
    p_list.set_defaults(func=cmd_list)
    p_set = cmds.add_parser("set", parents=[common], help="give EMAIL the role ROLE")
    p_set.add_argument("email")
    p_set.add_argument("role", choices=access.ROLES)
    p_set.set_defaults(func=cmd_set)
    p_rm = cmds.add_parser("remove", parents=[common], help="take EMAIL's role away")
    p_rm.add_argument("email")
    p_rm.set_defaults(func=cmd_remove)
