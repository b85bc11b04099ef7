"""Every setting in one place: environment variables with documented defaults.
May import: nothing of coopdash (the foundation).

| variable                 | default                  | meaning                                   |
|--------------------------|--------------------------|-------------------------------------------|
| COOPDASH_DB              | data/coopdash.duckdb     | the store file                            |
| COOPDASH_HOME_COUNTRY    | ID                       | our side's country (outbound / inbound)   |
| COOPDASH_LANG            | id                       | default UI language (`id` or `en`)        |
| COOPDASH_CURRENCY        | IDR                      | default display currency                  |
| COOPDASH_ROLE            | keeper                   | without sign-in: everyone's role          |
| COOPDASH_ADMINS          | (none)                   | sign-in: e-mails always admin             |
| COOPDASH_DEFAULT_ROLE    | (none)                   | sign-in: `viewer` for those with no role  |
| COOPDASH_FIRST_RUN       | demo                     | what a missing store is created with      |
| COOPDASH_CACHE_TTL       | 3600                     | seconds a cached query result may live    |
| COOPDASH_CACHE_ENTRIES   | 256                      | cached query results kept per query       |
| COOPDASH_ACTOR           | the OS user name         | who is recorded in the import log         |
| COOPDASH_TODAY           | (unset: the real date)   | fixed "today" (tests, demos)              |
| COOPDASH_SMTP_HOST       | (unset)                  | mail server that send-pack sends through  |
| COOPDASH_SMTP_PORT       | 25 (587 with STARTTLS)   | its port                                  |
| COOPDASH_SMTP_USER       | (unset: no login)        | user name to log in with                  |
| COOPDASH_SMTP_PASSWORD   | (unset)                  | its password (never printed or logged)    |
| COOPDASH_SMTP_STARTTLS   | false                    | `true`: encrypt with STARTTLS first       |
| COOPDASH_MAIL_FROM       | coopdash@<host name>     | the sender address of the pack's e-mail   |
| COOPDASH_INTAKE_MEMORY_MB| 1024                     | memory the workbook-reading child may use |
| COOPDASH_INTAKE_SECONDS  | 120                      | time the workbook-reading child may take  |
| COOPDASH_INTAKE_ENTRY_MB | 200                      | size one file or zip entry may inflate to |
| COOPDASH_WRITE_WAIT      | 10                       | seconds a write waits for another writer  |
| COOPDASH_UNDO_KEEP       | 10                       | record writes that stay undoable (disk)   |
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

from coopdash import access

ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = ROOT / "queries"
DATA_DIR = ROOT / "data"
SAMPLE_DIR = DATA_DIR / "sample"

LANGS = ("id", "en")
DISPLAY_CURRENCIES = ("IDR", "USD", "JPY", "SGD", "EUR", "KRW")

# The roles and what each may do live in coopdash.access (names are personal data).
ROLES = access.ROLES


@dataclass(frozen=True)
class Smtp:
    """Where `send-pack` sends the meeting pack (COOPDASH_SMTP_*, COOPDASH_MAIL_FROM)."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)  # never in a log or a message
    starttls: bool = False
    mail_from: str = ""


def _smtp(env) -> Smtp:
    starttls = env.get("COOPDASH_SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes")
    return Smtp(
        host=env.get("COOPDASH_SMTP_HOST", "").strip(),
        port=int(env.get("COOPDASH_SMTP_PORT") or (587 if starttls else 25)),
        user=env.get("COOPDASH_SMTP_USER", ""),
        password=env.get("COOPDASH_SMTP_PASSWORD", ""),
        starttls=starttls,
        mail_from=env.get("COOPDASH_MAIL_FROM", "").strip(),
    )


@dataclass(frozen=True)
class Settings:
    db_path: Path
    home_country: str
    lang: str
    currency: str
    role: str
    first_run: str
    cache_ttl: int
    cache_entries: int
    actor: str
    today_override: dt.date | None
    smtp: Smtp = field(default_factory=lambda: Smtp())
    intake_memory_mb: int = 1024
    intake_seconds: int = 120
    intake_entry_mb: int = 200
    admins: tuple[str, ...] = ()
    default_role: str | None = None
    write_wait: float = 10.0
    undo_keep: int = 10

    def today(self) -> dt.date:
        return self.today_override or dt.date.today()

    def can(self, what: str) -> bool:
        """What `COOPDASH_ROLE` allows: the command line's operator, and everyone on a
        dashboard without sign-in (`coopdash.web.auth` decides per person otherwise)."""
        return access.can(self.role, what)


def _actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user database in some containers
        return "unknown"


def load(env: dict[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or the mapping given)."""
    env = os.environ if env is None else env
    db = Path(env.get("COOPDASH_DB", DATA_DIR / "coopdash.duckdb"))
    lang = env.get("COOPDASH_LANG", "id").lower()
    role = env.get("COOPDASH_ROLE", "keeper").lower()
    today = env.get("COOPDASH_TODAY")
    return Settings(
        db_path=db if db.is_absolute() else (Path.cwd() / db),
        home_country=env.get("COOPDASH_HOME_COUNTRY", "ID").upper(),
        lang=lang if lang in LANGS else "id",
        currency=env.get("COOPDASH_CURRENCY", "IDR").upper(),
        role=role if role in ROLES else "viewer",
        first_run=env.get("COOPDASH_FIRST_RUN", "demo").lower(),
        cache_ttl=int(env.get("COOPDASH_CACHE_TTL", "3600")),
        cache_entries=int(env.get("COOPDASH_CACHE_ENTRIES", "256")),
        actor=env.get("COOPDASH_ACTOR") or _actor(),
        today_override=dt.date.fromisoformat(today) if today else None,
        smtp=_smtp(env),
        intake_memory_mb=int(env.get("COOPDASH_INTAKE_MEMORY_MB", "1024")),
        intake_seconds=int(env.get("COOPDASH_INTAKE_SECONDS", "120")),
        intake_entry_mb=int(env.get("COOPDASH_INTAKE_ENTRY_MB", "200")),
        admins=access.emails(env.get("COOPDASH_ADMINS", "")),
        default_role=_default_role(env.get("COOPDASH_DEFAULT_ROLE", "")),
        write_wait=float(env.get("COOPDASH_WRITE_WAIT", "10")),
        undo_keep=max(1, int(env.get("COOPDASH_UNDO_KEEP", "10"))),
    )


def _default_role(text: str) -> str | None:
    """`COOPDASH_DEFAULT_ROLE` may grant `viewer` to every signed-in person, nothing more
    (any other value is refused loudly rather than handing out names or exports)."""
    role = text.strip().lower()
    if role not in ("", "viewer"):
        raise access.AccessError(f"COOPDASH_DEFAULT_ROLE may only be 'viewer', not {text!r}")
    return role or None


def get() -> Settings:
    """The settings in force now (read fresh: tests change the environment)."""
    return load()
