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
| COOPDASH_CACHE_ENTRIES   | 2048                     | results kept per process (all queries)    |
| COOPDASH_ACTOR           | the OS user name         | who is recorded in the import log         |
| COOPDASH_TODAY           | (unset: the real date)   | fixed "today" (tests, demos)              |
| COOPDASH_SMTP_HOST       | (unset)                  | mail server that send-pack sends through  |
| COOPDASH_SMTP_PORT       | 25 (587 with STARTTLS)   | its port                                  |
| COOPDASH_SMTP_USER       | (unset: no login)        | user name to log in with                  |
| COOPDASH_SMTP_PASSWORD   | (unset)                  | its password (never printed or logged)    |
| COOPDASH_SMTP_STARTTLS   | false                    | `true`: encrypt with STARTTLS first       |
| COOPDASH_MAIL_FROM       | coopdash@<host name>     | the sender address of the pack's e-mail   |
| COOPDASH_SMTP_CAFILE     | (unset: the system's)    | PEM file of the CA that signed the server |
| COOPDASH_INTAKE_MEMORY_MB| 1024                     | memory the workbook-reading child may use |
| COOPDASH_INTAKE_SECONDS  | 120                      | time the workbook-reading child may take  |
| COOPDASH_INTAKE_ENTRY_MB | 200                      | size one file or zip entry may inflate to |
| COOPDASH_WRITE_WAIT      | 10                       | seconds a write waits for another writer  |
| COOPDASH_UNDO_KEEP       | 10                       | record writes that stay undoable (disk)   |
| COOPDASH_PROFILE         | (unset: no profile)      | a folder: each dashboard run's cProfile   |
| COOPDASH_RUNS            | 4                        | runs a server process computes at once    |
| COOPDASH_RUN_LOG         | (unset: no log)          | a file: a line per dashboard run/warm-up  |
| COOPDASH_STATIC_CACHE    | <store's folder>/compressed | scripts in brotli 11 (app.py)      |
| COOPDASH_QUERY_THREADS   | 1                        | DuckDB threads of the dashboard's queries |
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
FIRST_RUN = ("demo", "sample", "none")


class SettingError(ValueError):
    """A setting whose value cannot be used, refused when the settings are read (never a
    silent default): `name` (the variable), `value`, `kind` (`int`, `number`, `date`,
    `choice`), `accepted` (the values or the least value). The command line says it in
    the person's language (`setting.*` in the catalogue) and exits 2."""

    def __init__(self, name: str, value: str, kind: str, accepted: str) -> None:
        super().__init__(f"{name}={value!r} is not accepted ({kind}: {accepted})")
        self.name, self.value, self.kind, self.accepted = name, value, kind, accepted


def _int(env, name: str, default: int, least: int = 0, most: int | None = None) -> int:
    text = env.get(name, "").strip() or str(default)
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or value < least or (most is not None and value > most):
        raise SettingError(name, text, "int", f"{least}" + (f" (≤ {most})" if most else ""))
    return value


def _number(env, name: str, default: float) -> float:
    text = env.get(name, "").strip() or str(default)
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise SettingError(name, text, "number", "0")
    return value


def _choice(env, name: str, default: str, choices: tuple[str, ...]) -> str:
    text = env.get(name, "").strip() or default
    value = text.upper() if choices == DISPLAY_CURRENCIES else text.lower()
    if value not in choices:
        raise SettingError(name, text, "choice", ", ".join(choices))
    return value


def _date(env, name: str) -> dt.date | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.date.fromisoformat("x")
    except ValueError:
        raise SettingError(name, text, "date", "YYYY-MM-DD") from None


@dataclass(frozen=True)
class Smtp:
    """Where `send-pack` sends the meeting pack (COOPDASH_SMTP_*, COOPDASH_MAIL_FROM)."""

    host: str = ""
    port: int = 25
    user: str = ""
    password: str = field(default="", repr=False)  # never in a log or a message
    starttls: bool = False
    mail_from: str = ""
    cafile: str = ""  # the office's CA certificate(s), PEM; empty: the system's


def _smtp(env) -> Smtp:
    starttls = env.get("COOPDASH_SMTP_STARTTLS", "").strip().lower() in ("1", "true", "yes")
    return Smtp(
        host=env.get("COOPDASH_SMTP_HOST", "").strip(),
        port=_int(env, "COOPDASH_SMTP_PORT", 587 if starttls else 25, 1, 65535),
        user=env.get("COOPDASH_SMTP_USER", ""),
        password=env.get("COOPDASH_SMTP_PASSWORD", ""),
        starttls=starttls,
        mail_from=env.get("COOPDASH_MAIL_FROM", "").strip(),
        cafile=env.get("COOPDASH_SMTP_CAFILE", "").strip(),
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
    profile_dir: str = ""  # COOPDASH_PROFILE: where each run's profile goes ("": none)
    runs: int = 4  # COOPDASH_RUNS: script runs a server process computes at once (0: any)
    run_log: str = ""  # COOPDASH_RUN_LOG: a file each run's timings are appended to ("": none)
    # COOPDASH_STATIC_CACHE: Streamlit's scripts compressed at brotli 11, computed once
    # (coopdash.web.compress.Best); None: beside the store, in `compressed/`
    static_cache: Path | None = None
    query_threads: int = 1  # COOPDASH_QUERY_THREADS: DuckDB threads of the reader (0: a core each)

    @property
    def compressed_dir(self) -> Path:
        return self.static_cache or self.db_path.parent / "compressed"

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
    """Read the settings from the environment (or the mapping given); a value that
    cannot be used is refused (`SettingError`), never replaced by a default."""
    env = os.environ if env is None else env
    db = Path(env.get("COOPDASH_DB", DATA_DIR / "coopdash.duckdb"))
    return Settings(
        db_path=db if db.is_absolute() else (Path.cwd() / db),
        home_country=env.get("COOPDASH_HOME_COUNTRY", "ID").upper(),
        lang=_choice(env, "COOPDASH_LANG", "id", LANGS),
        currency=_choice(env, "COOPDASH_CURRENCY", "IDR", DISPLAY_CURRENCIES),
        role=_choice(env, "COOPDASH_ROLE", "keeper", ROLES),
        first_run=_choice(env, "COOPDASH_FIRST_RUN", "demo", FIRST_RUN),
        cache_ttl=_int(env, "COOPDASH_CACHE_TTL", 3600),
        cache_entries=_int(env, "COOPDASH_CACHE_ENTRIES", 2048, 1),
        actor=env.get("COOPDASH_ACTOR") or _actor(),
        today_override=_date(env, "COOPDASH_TODAY"),
        smtp=_smtp(env),
        intake_memory_mb=_int(env, "COOPDASH_INTAKE_MEMORY_MB", 1024, 1),
        intake_seconds=_int(env, "COOPDASH_INTAKE_SECONDS", 120, 1),
        intake_entry_mb=_int(env, "COOPDASH_INTAKE_ENTRY_MB", 200),
        admins=access.emails(env.get("COOPDASH_ADMINS", "")),
        default_role=_default_role(env.get("COOPDASH_DEFAULT_ROLE", "")),
        write_wait=_number(env, "COOPDASH_WRITE_WAIT", 10.0),
        undo_keep=_int(env, "COOPDASH_UNDO_KEEP", 10, 1),
        profile_dir=env.get("COOPDASH_PROFILE", "").strip(),
        runs=_int(env, "COOPDASH_RUNS", 4),
        run_log=env.get("COOPDASH_RUN_LOG", "").strip(),
        static_cache=_folder(env.get("COOPDASH_STATIC_CACHE", "").strip()),
        query_threads=_int(env, "COOPDASH_QUERY_THREADS", 1),
    )


def _folder(value: str) -> Path | None:
    return (Path(value) if Path(value).is_absolute() else Path.cwd() / value) if value else None


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
