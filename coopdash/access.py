"""Who may do what: the one place where roles and their permissions are decided.

Pure rules, no Streamlit and no store: `coopdash.web.auth` asks them on every rerun with
the signed-in person's role read fresh from the store, the command line with the role
of the operator (`COOPDASH_ROLE`), and each page again at the point of use (a download,
an upload, a role change).

Permissions:
- `names`: participants' names, participant ids and positions (a position such as one
  regency's head is one person; personal data, UU 27/2022) on
  screens, hovers, packs and files;
- `export`: table and store downloads (the Data page);
- `write`: load workbooks, edit follow-ups, record on the Record page;
- `manage`: the Admin page (who has which role, the access log);
- `share`: share a saved view with everyone (its name and address are seen by every
  signed-in person). Every signed-in role saves views for itself; a viewer's stay its
  own, so a name a viewer typed never reaches another person (issue 20).

May import nothing of coopdash (foundation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES: tuple[str, ...] = ("viewer", "analyst", "keeper", "admin")

PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset(),
    "analyst": frozenset({"names", "export", "share"}),
    "keeper": frozenset({"names", "export", "write", "share"}),
    "admin": frozenset({"names", "export", "write", "manage", "share"}),
}
KNOWN = frozenset({"names", "export", "write", "manage", "share"})

# page url path -> the permission needed to open it (pages not listed: every role)
PAGE_NEEDS: dict[str, str] = {"data": "export", "record": "write", "admin": "manage"}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class AccessError(ValueError):
    """A role or an e-mail address that is not one (the message says which)."""


class LastAdminError(AccessError):
    """A change that would leave no administrator at all: no one could manage roles any
    more (the office would be locked out of its own Admin page)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"{email} is the last administrator")
        self.email = email


def leaves_no_admin(old: str | None, new: str | None, other_admins: int,
                    setting_admins: tuple[str, ...]) -> bool:
    """Whether changing one person's role `old` -> `new` leaves nobody who is admin:
    no other stored admin and none named by COOPDASH_ADMINS (always admins)."""
    return old == "admin" and new != "admin" and other_admins == 0 and not setting_admins


def can(role: str | None, what: str) -> bool:
    """Whether `role` (None: no role at all) has the permission `what`."""
    if what not in KNOWN:
        raise AccessError(f"unknown permission {what!r}")
    return role is not None and what in PERMISSIONS[role]


def can_open(role: str | None, url_path: str) -> bool:
    """Whether `role` may open the page at `url_path` (a person with no role: none)."""
    need = PAGE_NEEDS.get(url_path)
    return role is not None and (need is None or can(role, need))


def check_role(role: str) -> str:
    role = (role or "").strip().lower()
    if role not in ROLES:
        raise AccessError(f"not a role: {role!r} (one of {', '.join(ROLES)})")
    return role


def email(text: str) -> str:
    """An e-mail address as the key of a person: trimmed, lower case, checked."""
    out = (text or "").strip().lower()
    if not _EMAIL.fullmatch(out):
        raise AccessError(f"not an e-mail address: {text!r}")
    return out


def emails(text: str) -> tuple[str, ...]:
    """`COOPDASH_ADMINS`: comma-separated addresses (empty: none)."""
    return tuple(email(part) for part in (text or "").split(",") if part.strip())


def resolve(address: str, stored: str | None, admins: tuple[str, ...],
            default: str | None) -> str | None:
    """The role of a signed-in person: an administrator named by the setting is always
    `admin` (no one can lock the office out); else the role kept in the store; else the
    deployment's default (`viewer` or none)."""
    if address in admins:
        return "admin"
    return stored or default


@dataclass(frozen=True)
class Person:
    """Who is using coopdash in this run.

    `signed_in`: the deployment has sign-in and this is the provider-vouched `email`;
    otherwise one role for everyone (`COOPDASH_ROLE`) and `email` is None. `actor` is
    what the import log, the follow-up history and the access log record.
    """

    role: str | None
    actor: str
    email: str | None = None
    signed_in: bool = False
    signed_in_at: float | None = None  # the provider's `iat` (UTC epoch seconds)

    def can(self, what: str) -> bool:
        return can(self.role, what)

    def can_open(self, url_path: str) -> bool:
        return can_open(self.role, url_path)
