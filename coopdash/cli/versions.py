"""Commands on the store's versions: history, undo, backup, restore. They work while the
dashboard serves and other commands run (readers never wait; undo waits for a writer at
most COOPDASH_WRITE_WAIT seconds)."""

from __future__ import annotations

import sys
from pathlib import Path

from coopdash import settings
from coopdash.cli.common import open_store
from coopdash.i18n import t


def _writes(args, limit: int = 1000):
    from coopdash.store import history

    con = open_store(args)
    if con is None:
        return None
    try:
        # the access and role logs' writes: only for an operator whose role may manage
        return history.writes(con, args.db, limit=limit,
                              show_private=settings.get().can("manage"))
    finally:
        con.close()


def _line(row, lang: str, why: bool = False) -> str:
    """id, when, who, what, file, mode, undoable, changes (and why not, with `why`)."""
    from coopdash.store import history

    yes_no = t("snap.cli.yes" if row.is_undoable else "snap.cli.no", lang)
    counts = history.counts_text(row.tables)
    cells = [row.write_id, row.written_at, row.actor, row.what, row.file_name, row.mode,
             yes_no, counts or row.note]
    if why and not row.is_undoable:
        cells.append(history.why_not_text(row, lang, settings.get().undo_keep))
    return "  ".join(history.text(v) for v in cells)


def cmd_history(args) -> int:
    df = _writes(args, args.limit)
    if df is None:
        return 2
    if df.empty:
        print(t("snap.cli.history_empty", args.lang))
        return 0
    cols = ("id", "when", "who", "what", "file", "mode", "undo", "changes", "why_not")
    print("  ".join(t(f"snap.col.{c}", args.lang) for c in cols))
    for row in df.itertuples(index=False):
        print(_line(row, args.lang, why=True))
    return 0


def cmd_undo(args) -> int:
    from coopdash import store
    from coopdash.store import history

    df = _writes(args)
    if df is None:
        return 2
    cfg = settings.get()
    try:
        if not cfg.can("write"):
            raise store.UndoRefusedError("not_allowed")
        row = history.check_undo(df, args.id, cfg.actor, cfg.can("manage"), cfg.undo_keep)
    except store.UndoRefusedError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    print(t("snap.cli.undo_intro", args.lang, id=args.id, when=row["written_at"]))
    for lost in history.lost_by_undo(df, args.id).itertuples(index=False):
        print("  " + _line(lost, args.lang))
    if not args.yes and not _confirmed(args.lang):
        print(t("snap.cli.undo_cancelled", args.lang))
        return 1
    try:
        version = store.undo(args.db, args.id, actor=cfg.actor, admin=cfg.can("manage"))
    except store.UndoRefusedError as exc:  # the history changed meanwhile
        print(exc.message(args.lang), file=sys.stderr)
        return 1
    except store.WriterBusyError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    print(t("snap.cli.undo_done", args.lang, id=args.id, version=version))
    return 0


def _confirmed(lang: str) -> bool:
    sys.stdout.write(t("snap.cli.undo_ask", lang))
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "yes", "ya")


def cmd_backup(args) -> int:
    from coopdash import store

    if not Path(args.db).exists():
        print(t("store.cli.no_store", args.lang, path=args.db), file=sys.stderr)
        return 2
    if not Path(args.path).resolve().parent.is_dir():
        print(t("snap.cli.backup_no_folder", args.lang, path=Path(args.path).parent),
              file=sys.stderr)
        return 2
    out = store.backup(args.db, args.path)
    con = store.base.open_file(out, read_only=True)
    try:
        version = store.data_version(con)
    finally:
        con.close()
    print(t("snap.cli.backup_done", args.lang, path=out, version=version,
            mb=round(out.stat().st_size / 1e6, 1)))
    return 0


def cmd_restore(args) -> int:
    """A backup's records put back as one new write, while the dashboard serves."""
    from coopdash import store

    cfg = settings.get()
    if not cfg.can("manage"):
        print(t("snap.cli.restore_admin", args.lang), file=sys.stderr)
        return 1
    if not Path(args.path).is_file():
        print(t("snap.cli.restore_missing", args.lang, path=args.path), file=sys.stderr)
        return 2
    version = store.restore(args.db, args.path, actor=cfg.actor)
    print(t("snap.cli.restore_done", args.lang, path=args.path, version=version))
    return 0


def register(sub, common) -> None:
    p = sub.add_parser("history", parents=[common],
                       help="the writes to the store (imports, edits, undos, roles...), "
                       "newest first, and why a write cannot be undone")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=cmd_history)
    p = sub.add_parser("undo", parents=[common],
                       help="make the records what they were just before write ID "
                       "(roles and logs stay; the undo can itself be undone)")
    p.add_argument("id", type=int, help="the write's ID in `history`")
    p.add_argument("--yes", action="store_true", help="do not ask")
    p.set_defaults(func=cmd_undo)
    p = sub.add_parser("backup", parents=[common],
                       help="a consistent copy of the store, at any time")
    p.add_argument("path", help="the copy's file (replaced if it exists)")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", parents=[common],
                       help="put back a backup's records as a new write, while everything "
                       "runs (roles and logs stay; administrators only)")
    p.add_argument("path", help="the backup file (made by `backup`)")
    p.set_defaults(func=cmd_restore)
