"""What every command shares: the progress bar, opening the store, argument types."""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
from typing import TYPE_CHECKING

from coopdash import settings
from coopdash.i18n import t

if TYPE_CHECKING:
    from coopdash.figures.scope import Scope


def bar(fraction: float, message: str) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    done = int(fraction * width)
    sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction:4.0%} {message[:50]:<50}")
    if fraction >= 1.0:
        sys.stderr.write("\n")
    sys.stderr.flush()


def open_store(args, read_only: bool = True):
    """A read-only connection to the current version of the store (never blocked by a
    writer); None after printing why there is none."""
    from coopdash import store

    try:
        return store.connect(args.db, read_only=read_only)
    except store.StoreMissingError:
        print(t("store.cli.no_store", args.lang, path=args.db), file=sys.stderr)
        return None
    except store.StoreUnreadableError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return None
    except store.StoreBusyError:
        print(t("store.cli.busy", args.lang, path=args.db), file=sys.stderr)
        return None
    except store.StoreWalError as exc:
        say(wal_message(exc, args.lang), err=True)
        return None


def wal_message(exc, lang: str) -> str:
    """A leftover or foreign `.wal` beside the store, said as what it is."""
    key = "intake.store.wal_leftover" if not exc.path.exists() else "intake.store.wal_foreign"
    return t(key, lang, path=exc.path, wal=exc.wal)


def positive_int(text: str) -> int:
    """A whole number of at least 1 (argparse names this function in its refusal, which
    `coopdash.cli.usage_message` says in the person's words)."""
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def filter_pair(text: str) -> str:
    """`KEY=VALUES` with a KEY the filters know (the page's URL keys)."""
    from coopdash.figures.filters import Filters

    key, sep, value = text.partition("=")
    if not sep or key not in Filters().url_keys:
        raise ValueError(text)
    if key in ("from", "to"):
        iso_date(value)  # a date that does not exist is refused, never dropped
    return text


def iso_date(text: str) -> dt.date:
    """A date that exists in the calendar, written YYYY-MM-DD (ValueError otherwise: said
    by `coopdash.cli.usage_message` in the person's words)."""
    return dt.date.fromisoformat(text) if len(text) == 10 else dt.date.fromisoformat("x")


# C0 and C1 controls (but newline and tab), DEL, and the characters that reorder or hide
# text (bidirectional overrides and isolates, zero-width marks).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e"
                     "\u2066-\u2069\ufeff]")


def safe(text: str) -> str:
    """`text` as it may reach a terminal: every control or direction character written
    as an escape (`\\x1b`, `\\u202e`), so a name in a file can neither move the cursor,
    clear the screen nor reverse what is shown."""
    return _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def say(text: str, err: bool = False) -> None:
    """Print a line that may carry names from a file (escaped, see `safe`)."""
    print(safe(text), file=sys.stderr if err else sys.stdout)


class _SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return safe(super().format(record))


def quiet_logs() -> None:
    """The command line's log: errors only (what an operator needs when a command fails),
    escaped like every other line. The reading child's last words (a Rust panic, a C
    allocation failure) are logged as warnings for a server's log; at a keeper's terminal
    the plain message says it all."""
    log = logging.getLogger("coopdash")
    if not any(isinstance(h.formatter, _SafeFormatter) for h in log.handlers):
        handler = logging.StreamHandler()  # sys.stderr as it is when a line is written
        handler.setFormatter(_SafeFormatter("%(levelname)s %(name)s: %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.ERROR)
    log.propagate = False


def scope_arguments(p, cfg) -> None:
    """`--currency` and `--filter`: the query scope's choices of `summary`, `pack` and
    `send-pack` (read back by `scope_of`)."""
    p.add_argument("--currency", default=cfg.currency, type=str.upper,
                   choices=settings.DISPLAY_CURRENCIES,
                   help="display currency of amounts (default: %(default)s)")
    p.add_argument("--filter", action="append", default=[], metavar="KEY=VALUES",
                   type=filter_pair,
                   help="a sidebar filter as in the page's URL: partner=jclair-sg, "
                        "kind=seminar,webinar, from=2024-01-01 (repeatable)")


def scope_of(args) -> Scope:
    """The command's query scope (`coopdash.figures.scope.Scope`, the pages' too):
    `--filter` and `--currency`, the settings' today and home country, and the operator's
    right to names (`COOPDASH_ROLE`)."""
    from coopdash.figures.filters import Filters
    from coopdash.figures.scope import Scope

    return Scope.of(settings.get(), Filters.from_pairs(args.filter), args.currency)
