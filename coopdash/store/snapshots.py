"""One writer, many readers: every write is published as a new immutable file.

DuckDB lets one process write a file, or many processes read it, never both. So no
published file is ever written again:

    data/coopdash.duckdb                   the current state: a hard link to one version
    data/coopdash.duckdb.versions/
        000000012.duckdb                   published states, named by their data version
        lock, holder.json                  the one writer's lock, and who holds it
        work-<pid>.duckdb                  a write in progress (gone when it fails)

A write (`writing`) takes the lock (waiting `COOPDASH_WRITE_WAIT` seconds at most, then
saying who holds it), copies the current version to a private work file, lets the caller
change it on a connection of its own, logs the write (`write_log`), checkpoints, syncs,
and publishes it: the work file becomes `versions/<N>.duckdb`, and a hard link to it
replaces `coopdash.duckdb` with one `rename` (atomic on POSIX). That rename is the commit
point: a crash before it leaves the previous version current and the work file is swept
by the next writer; a crash after it has published the whole write.

Readers open the current version read-only by its own name (`connect`, `Reader`): a
file that never changes, so any number of processes read it while the writer works, and
a reader that started on version N finishes on N. `Reader` notices a new version with
one `stat` and opens it; connections to older versions are dropped (closed by DuckDB when
their last cursor goes).

The versions that were the base of the last `COOPDASH_UNDO_KEEP` writes that changed
records are kept: `history.undo` copies the records of one of them into a new write,
`backup` copies the current one. A store file without a
versions folder (a copy, a backup, a store from an older release) is adopted on its first
write.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

import coopdash.store.base as base
from coopdash.store.base import StoreBusyError, StoreError, StoreMissingError
from coopdash.store.records import NO_RECORD_WRITES, copy_records

WIDTH = 9  # digits of a version file's name


def versions_dir(path: Path | str) -> Path:
    path = Path(path)
    return path.with_name(path.name + ".versions")


def version_file(path: Path | str, version: int) -> Path:
    return versions_dir(path) / f"{version:0{WIDTH}d}.duckdb"


def _settings():
    from coopdash import settings

    return settings.get()


# --- where the current version is ------------------------------------------------------

def _published(folder: Path) -> dict[int, Path]:
    out = {}
    if folder.is_dir():
        for f in folder.glob("[0-9]" * WIDTH + ".duckdb"):
            out[int(f.name[:WIDTH])] = f
    return out


def current(path: Path | str) -> tuple[int | None, Path]:
    """(data version, file to open) of the current state: the version file the store
    path links to, or (None, the path) for a store not yet adopted."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise StoreMissingError(
            f"no store at {path}: create one with `python -m coopdash init`") from None
    for version, f in sorted(_published(versions_dir(path)).items(), reverse=True):
        with contextlib.suppress(FileNotFoundError):
            fst = f.stat()
            if (fst.st_ino, fst.st_dev) == (st.st_ino, st.st_dev):
                return version, f
    return None, path


def path_of(con: duckdb.DuckDBPyConnection) -> Path:
    """The store a connection reads: for a published version, the store path (the file
    beside its versions folder); for any other file, that file."""
    f = Path(con.execute("select path from duckdb_databases() where database_name = "
                         "current_database()").fetchall()[0][0])
    if f.parent.name.endswith(".versions"):
        return f.parent.with_name(f.parent.name.removesuffix(".versions"))
    return f


def connect(path: Path | str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current version (migrated first if it is older than
    this release). Writes go through `writing`; `read_only=False` opens only a private
    file that was never published (a test's copy), in place."""
    if not read_only:
        if versions_dir(path).exists():
            raise StoreError(f"the store {path} is shared: write to it only through "
                             "coopdash.store.writing(...)")
        return base.open_file(path)
    if outside_wal(path):
        settle(path)
    for _ in range(5):  # the version may be pruned between finding and opening it
        _, f = current(path)
        try:
            con = base.open_file(f, read_only=True)
        except (StoreMissingError, duckdb.IOException):
            continue
        if not base.pending_migrations(con):
            return con
        con.close()
        upgrade(path)
    raise StoreError(f"the store {path} changed too often to be opened; try again")


@contextlib.contextmanager
def reading(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with store.reading(path) as con:` a read-only connection to the current version."""
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


class Reader:
    """A process's reader of one store (the dashboard holds one): `version()` is one
    `stat`; `connection(v)` is the open read-only connection to version v (the current
    one if None), opened when first asked for. The newest `keep` versions stay open, so a
    page that started on a version finishes on it while the next one is published.
    `threads`: the DuckDB threads each of its connections computes a query with (the
    setting COOPDASH_QUERY_THREADS; 0 leaves DuckDB's own, one per core): a dashboard's
    queries are small and many sessions run at once, so one thread each spends less CPU
    than two (docs/architecture.md, "DuckDB threads")."""

    def __init__(self, path: Path | str, keep: int = 3, threads: int = 0) -> None:
        self.path = Path(path)
        self.keep = keep
        self.threads = threads
        self._open: dict[int, duckdb.DuckDBPyConnection] = {}
        self._lock = threading.Lock()

    def version(self) -> int:
        version, _ = current(self.path)
        if outside_wal(self.path) or (version is None and replaced_from_outside(self.path)):
            settle(self.path)  # a new number, never reused; no committed row dropped
            version, _ = current(self.path)
        if version is None:  # not adopted yet: its own data version
            return self._version_of_file()
        return version

    def _version_of_file(self) -> int:
        con = connect(self.path)
        try:
            return base.data_version(con)
        finally:
            con.close()

    def connection(self, version: int | None = None) -> duckdb.DuckDBPyConnection:
        with self._lock:
            if version is not None and version in self._open:
                return self._open[version]
            con = connect(self.path)
            got = base.data_version(con)
            if got in self._open:
                con.close()
                return self._open[got]
            if self.threads:  # the database's setting: every cursor of this connection
                con.execute(f"set threads = {int(self.threads)}")
            self._open[got] = con
            for old in sorted(self._open)[:-self.keep]:
                del self._open[old]  # DuckDB closes it when its last cursor goes
            return con


# --- the writer's lock -----------------------------------------------------------------

@dataclass(frozen=True)
class Holder:
    actor: str
    what: str
    file_name: str | None
    pid: int
    since: str

    def text(self, lang: str = "en") -> str:
        from coopdash.i18n import t

        return t("snap.holder", lang, actor=self.actor, what=self.what,
                 file=self.file_name or "—", pid=self.pid, since=self.since)


def holder(path: Path | str) -> Holder | None:
    """Who holds the write lock now (None when nobody does)."""
    folder = versions_dir(path)
    lock = folder / "lock"
    if not lock.exists():
        return None
    with open(lock, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(folder)
        fcntl.flock(fh, fcntl.LOCK_UN)
    return None


def _read_holder(folder: Path) -> Holder | None:
    try:
        data = json.loads((folder / "holder.json").read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return Holder(**data)


class WriterBusyError(StoreBusyError):
    """Another writer held the store for longer than we wait."""

    def __init__(self, path: Path, who: Holder | None, waited: float) -> None:
        self.path, self.who, self.waited = path, who, waited
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from coopdash.i18n import t

        who = self.who.text(lang) if self.who else t("snap.holder_unknown", lang)
        return t("snap.busy", lang, path=self.path, seconds=round(self.waited), who=who)


@contextlib.contextmanager
def _locked(path: Path, actor: str, what: str, file_name: str | None,
            wait: float | None) -> Iterator[None]:
    folder = versions_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    wait = _settings().write_wait if wait is None else wait
    with open(folder / "lock", "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WriterBusyError(path, _read_holder(folder), wait) from None
                time.sleep(0.05)
        try:
            me = Holder(actor, what, file_name, os.getpid(),
                        dt.datetime.now().replace(microsecond=0).isoformat(sep=" "))
            _write_atomically(folder / "holder.json", json.dumps(me.__dict__).encode())
            yield
        finally:
            (folder / "holder.json").unlink(missing_ok=True)
            fcntl.flock(fh, fcntl.LOCK_UN)


# --- a full disk -------------------------------------------------------------------------

NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
NO_SPACE_WORDS = ("No space left on device", "Disk quota exceeded", "File too large")


class StoreFullError(StoreError):
    """The disk filled up during a write: nothing was published (the work file is
    removed), and the message says so plainly instead of DuckDB's fatal error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.size_mb = max(1, round(path.stat().st_size / 2**20))
        except OSError:
            self.size_mb = 1
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from coopdash.i18n import t

        return t("snap.disk.full", lang, path=self.path, size=self.size_mb,
                 folder=versions_dir(self.path))


def _no_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in NO_SPACE:
        return True
    return isinstance(exc, duckdb.Error) and any(w in str(exc) for w in NO_SPACE_WORDS)


@contextlib.contextmanager
def _full_disk_is_plain(path: Path) -> Iterator[None]:
    """Turn "no space left" from the copy, DuckDB or the publish into StoreFullError;
    every other exception passes unchanged."""
    try:
        yield
    except (OSError, duckdb.Error) as exc:
        if _no_space(exc):
            raise StoreFullError(path) from exc
        raise


# --- writing and publishing --------------------------------------------------------------

@dataclass
class Write:
    """What `writing` yields: the connection to change, and (after the block) the
    version it published."""

    con: duckdb.DuckDBPyConnection
    version: int = 0


@contextlib.contextmanager
def writing(path: Path | str, *, actor: str | None = None, what: str,
            file_name: str | None = None, mode: str | None = None,
            note: str | None = None, wait: float | None = None, undoes: int | None = None,
            _base: int | None = None, _create=None) -> Iterator[duckdb.DuckDBPyConnection]:
    """`with store.writing(path, actor=..., what="import") as con:` change the store on
    `con`; when the block ends without an exception the change is published as one new
    version, all of it at once. An exception publishes nothing (the store is untouched).

    `con` is a read-write connection to a private copy: transactions inside are allowed
    but not needed for all-or-nothing. Writers wait for each other (at most `wait`,
    default `COOPDASH_WRITE_WAIT` seconds; then `WriterBusyError` says who holds it).
    """
    path = Path(path)
    actor = actor or _settings().actor
    if _create is None and path.exists() and not versions_dir(path).exists():
        base.open_file(path, read_only=True).close()  # not a store: nothing made beside it
    with _locked(path, actor, what, file_name, wait), _full_disk_is_plain(path):
        if _create is None:
            _take_in_outside_changes(path)
        with _one_write(path, (actor, what, file_name, mode, note, undoes),
                        _base, _create) as con:
            yield con


REPLACED_NOTE = "the store file was replaced from outside coopdash"


def _republish_replaced(path: Path) -> None:
    """Under the lock: the file moved over the store becomes a new version (a number
    never used before), written in history as a restore; its records, the logs of the
    last published version."""
    with _one_write(path, ("coopdash", "restore", path.name, None, REPLACED_NOTE, None)
                    ) as con:
        copy_records(con, path, next_version(path, con))


OUTSIDE_NOTE = "changes from outside coopdash (a write-ahead log beside the store)"


def _take_in_outside_changes(path: Path) -> None:
    """Under the lock, before a write: a file moved over the store, then committed
    changes left in a WAL beside it (an older release's process that died after a
    commit, an outside DuckDB session), each published as a write of its own."""
    if replaced_from_outside(path):
        _republish_replaced(path)
    if outside_wal(path):
        _replay_outside(path)


def outside_wal(path: Path | str) -> bool:
    """A write-ahead log beside an existing store file (never left by coopdash's writer,
    whose work files are private): committed changes from outside."""
    return Path(path).exists() and base.wal_path(path).exists()


def _replay_outside(path: Path) -> None:
    """The WAL beside the store replayed into a copy of the current version, published as
    a write `outside` (its base is the state before those changes: undoable like any
    write), then removed. A program still holding the store file is refused
    (`StoreBusyError`): its later commits would go to a WAL no one reads."""
    base.open_file(path, read_only=True).close()  # busy while an outside writer holds it
    wal = base.wal_path(path)
    with _one_write(path, ("coopdash", "outside", wal.name, None, OUTSIDE_NOTE, None),
                    wal=wal):
        pass
    wal.unlink(missing_ok=True)


def settle(path: Path | str) -> None:
    """Publish what changed the store from outside coopdash (`_take_in_outside_changes`)
    as new versions now, so no reader keys what it reads by a number already used nor
    misses committed rows."""
    path = Path(path)
    with _locked(path, "coopdash", "restore", path.name, None), _full_disk_is_plain(path):
        _take_in_outside_changes(path)


def replaced_from_outside(path: Path) -> bool:
    """The store file is none of the published versions although some exist: a file
    (a backup, a copy) was moved over it from outside coopdash."""
    return path.exists() and current(path)[0] is None and bool(_published(versions_dir(path)))


@contextlib.contextmanager
def _one_write(path: Path, entry: tuple, _base: int | None = None, _create=None,
               wal: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write under the lock (see `writing`); `entry`: actor, what, file, mode, note,
    undoes (the `write_log` row); `wal`: a write-ahead log to replay into the copy."""
    work = versions_dir(path) / f"work-{os.getpid()}.duckdb"
    try:
        _start(path, _base, _create)
        if wal is not None:
            shutil.copyfile(wal, f"{work}.wal")
        con = _open_work(path, work, wal)
        try:
            applied_to = base.data_version(con)  # the version copied (0: a new store)
            yield con
            version = _finish(con, path, applied_to, entry)
            bases = kept_bases(con)  # read here: no second open of the file published
        finally:
            con.close()
        _publish(path, work, version)
        _prune(path, version, bases)
    finally:
        for leftover in (work, Path(f"{work}.wal")):
            leftover.unlink(missing_ok=True)


def _open_work(path: Path, work: Path, wal: Path | None) -> duckdb.DuckDBPyConnection:
    """The work file, read-write (DuckDB replays a copied WAL into it): a WAL that is
    not this store's is refused as `StoreWalError` naming the store and its WAL."""
    try:
        return base.open_file(work)
    except base.StoreWalError as exc:
        raise base.StoreWalError(path, wal or base.wal_path(path), str(exc)) from exc


def _start(path: Path, base_version: int | None, create) -> Path:
    """Sweep what a crashed writer left, then make the work file: a copy of the current
    version (or of `base_version` for an undo), or a new store for `create`."""
    folder = versions_dir(path)
    for stale in folder.glob("work-*"):
        stale.unlink(missing_ok=True)
    work = folder / f"work-{os.getpid()}.duckdb"
    if create is not None:
        if path.exists():
            raise StoreError(f"a store already exists at {path}; it is never overwritten")
        base.migrate(conn := duckdb.connect(str(work)))
        conn.close()
        return work
    version, src = current(path)
    if version is None and _published(folder):  # replaced from outside: the last one
        version, src = max(_published(folder).items())  # published has the logs
    elif version is None:
        version, src = _adopt(path)
    _drop_unpublished(folder, version)
    if base_version is not None:
        src = version_file(path, base_version)
        if not src.exists():
            raise StoreError(f"version {base_version} of the store is no longer kept")
    shutil.copyfile(src, work)
    return work


def _adopt(path: Path) -> tuple[int, Path]:
    """A store file without versions (a copy, a backup, an older release): link it in
    as the version its data version names."""
    con = base.open_file(path, read_only=True)
    try:
        version = base.data_version(con)
    finally:
        con.close()
    target = version_file(path, version)
    target.unlink(missing_ok=True)  # an unpublished leftover of that number
    os.link(path, target)
    return version, target


def _drop_unpublished(folder: Path, current_version: int) -> None:
    """Version files newer than the current one were written by a writer that crashed
    before its rename: they were never published."""
    for version, f in _published(folder).items():
        if version > current_version:
            f.unlink(missing_ok=True)


def next_version(path: Path | str, con: duckdb.DuckDBPyConnection) -> int:
    """The version the write in progress on `con` (under the lock) will publish: above
    every version ever published and above the one it was applied to."""
    newest = max([*_published(versions_dir(path)), 0])
    return max(newest, base.data_version(con)) + 1


def _finish(con, path: Path, applied_to: int, entry: tuple) -> int:
    """Log the write (`entry`: actor, what, file, mode, note, undoes) and give it its
    version number (`next_version`); fold the WAL into the file."""
    version = next_version(path, con)
    actor, what, file_name, mode, note, undoes = entry
    con.execute("begin transaction")
    con.execute("update import_log set write_id = $v where write_id is null", {"v": version})
    con.execute("insert into write_log (write_id, written_at, actor, what, file_name, mode, "
                "base_version, note, undoes) values ($v, $at, $actor, $what, $file, $mode, "
                "$base, $note, $undoes)",
                {"v": version, "at": dt.datetime.now().replace(microsecond=0),
                 "actor": actor, "what": what, "file": file_name, "mode": mode,
                 "base": applied_to or None, "note": note, "undoes": undoes})
    base.set_data_version(con, version)
    con.execute("commit")
    con.execute("checkpoint")
    return version


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _publish(path: Path, work: Path, version: int) -> None:
    """The commit point: one rename makes `path` the new version."""
    if Path(f"{work}.wal").exists():
        raise StoreError(f"the write to {path} left a WAL behind; nothing was published")
    _fsync(work)
    target = version_file(path, version)
    os.replace(work, target)
    tmp = path.with_name(path.name + ".publish")
    tmp.unlink(missing_ok=True)
    os.link(target, tmp)
    os.replace(tmp, path)
    _fsync(versions_dir(path))
    _fsync(path.parent)


def _prune(path: Path, version: int, bases: list[int]) -> None:
    """Keep the current version and `bases` (`kept_bases`: those of the last
    `COOPDASH_UNDO_KEEP` writes that changed records and are not undone)."""
    keep = {version, *bases}
    for v, f in _published(versions_dir(path)).items():
        if v not in keep:
            f.unlink(missing_ok=True)


def kept_versions(path: Path | str) -> list[int]:
    """The versions on disk, oldest first (the current one and those kept for undo)."""
    return sorted(_published(versions_dir(path)))


def kept_bases(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The versions to keep for undo, by the write log on `con`: the bases of the last
    `COOPDASH_UNDO_KEEP` writes that changed records and are not undone."""
    rows = con.execute(
        "select base_version from write_log where base_version is not null "
        "and what not in $logs and undone_by is null order by write_id desc limit $n",
        {"logs": list(NO_RECORD_WRITES), "n": _settings().undo_keep}).fetchall()
    return [r[0] for r in rows]


# --- creating, upgrading, undoing, backing up ----------------------------------------------

def create(path: Path | str, populate=None, *, actor: str | None = None,
           what: str = "init", file_name: str | None = None, mode: str | None = None
           ) -> int:
    """Create a store at `path` (never over one): `populate(con)` fills it, and it is
    published as its first version only when everything succeeded."""
    path = Path(path)
    if path.exists():
        raise StoreError(f"a store already exists at {path}; it is never overwritten")
    if base.wal_path(path).exists():  # DuckDB would replay it into a store of that name
        raise base.StoreWalError(path, base.wal_path(path), "no store file, a leftover log")
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = versions_dir(path)
    fresh = not folder.exists()
    try:
        with writing(path, actor=actor or "coopdash", what=what, file_name=file_name,
                     mode=mode, _create=True) as con:
            if populate is not None:
                populate(con)
    except BaseException:
        if fresh and not path.exists() and not list(folder.glob("*.duckdb")):
            shutil.rmtree(folder, ignore_errors=True)  # nothing of it was published
        raise
    return current(path)[0]


def upgrade(path: Path | str) -> None:
    """Publish the store migrated to this release's schema (readers cannot migrate)."""
    with writing(path, actor="coopdash", what="upgrade"):
        pass


def restore(path: Path | str, src: Path | str, *, actor: str | None = None) -> int:
    """Put back the records of the store file `src` (a backup) as one new write
    (`restore`), while everything runs: it is published under a version number never
    used before (no reader or cache can take it for a discarded state), roles and logs
    stay as they are now (as for an undo: `records.copy_records`), and `history` marks
    the writes it discards. Returns its version. No store at `path`: one is created."""
    path, src = Path(path), Path(src)
    probe = base.open_file(src, read_only=True)  # missing, busy, not a database: refused
    try:
        if base.schema_version(probe) == 0:
            raise StoreError(f"{src} is not a coopdash store")
    finally:
        probe.close()
    if not path.exists():
        return create(path, lambda con: copy_records(con, src, 1), actor=actor,
                      what="restore", file_name=src.name)
    with writing(path, actor=actor, what="restore", file_name=src.name) as con:
        copy_records(con, src, next_version(path, con))
    return current(path)[0]


def backup(path: Path | str, dest: Path | str) -> Path:
    """Copy the current version to `dest` (replaced atomically): a consistent copy at
    any time, since a published version is never written again. It opens as a store."""
    path, dest = Path(path), Path(dest)
    for _ in range(5):
        _, src = current(path)
        try:
            fd = os.open(src, os.O_RDONLY)  # pins this version even if it is pruned now
        except FileNotFoundError:
            continue
        break
    else:
        raise StoreError(f"the store {path} changed too often to be copied; try again")
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        with os.fdopen(fd, "rb") as src_fh, open(tmp, "wb") as out:
            shutil.copyfileobj(src_fh, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest
