"""Check what an untrusted file is, and read its zip entries under a cap (standard library
only).

Runs inside the reading child (`coopdash.workbook.child`), before any parser sees the
file:

- `sniff(path)` names what the file really is from its first bytes and (for a zip) its
  entry names, whatever its extension says: an `.xlsx` workbook, an old `.xls`, a
  password-protected Office file, a Word or PowerPoint document, an OpenDocument file, a
  zip, a PDF, text.
- `read_entry(zf, info, cap)` inflates one zip entry chunk by chunk and stops as soon as
  it passes `cap` bytes (a 2 MB zip may inflate to gigabytes: it is never inflated
  whole first), and turns every way a zip entry can fail (encrypted, a compression
  Python cannot read such as Deflate64, a damaged stream, a wrong checksum) into a
  `Found` problem instead of a traceback.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

CHUNK = 1 << 20
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file (.xls, .doc, encrypted)
ZIP_METHODS = {0: "stored", 8: "deflate"}  # what every Office program writes
METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 95: "XZ",
                98: "PPMd", 99: "AES"}


@dataclass
class Found:
    """A problem found in the file (the parent turns it into a located `Issue`)."""

    code: str
    table: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "table": self.table, "row": self.row,
                "column": self.column, "value": self.value, "params": self.params}


class Refused(Exception):  # noqa: N818 (a plain outcome, not a bug)
    """The file (or one entry of it) cannot be read; `found` says why."""

    def __init__(self, found: Found) -> None:
        super().__init__(found.code)
        self.found = found


# --- what is this file? --------------------------------------------------------------------

def sniff(path: Path) -> str:
    """`xlsx`, `xls`, `encrypted`, `ole`, `docx`, `pptx`, `ods`, `odf`, `zip`, `pdf`,
    `text`, `empty` or `binary`, from the content (never from the extension alone)."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        return "empty"
    if head == CFB_MAGIC:
        return _ole_kind(path)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path)
    if head.startswith(b"%PDF"):
        return "pdf"
    return "binary" if b"\x00" in head else "text"


def _ole_kind(path: Path) -> str:
    """An OLE compound file: an encrypted Office file (its streams are named
    EncryptionInfo / EncryptedPackage), an old Excel workbook, or another document."""
    with path.open("rb") as fh:
        head = fh.read(4 << 20)  # the directory of a small compound file is near the start
    if "EncryptedPackage".encode("utf-16-le") in head:
        return "encrypted"
    if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
        return "xls"
    return "ole"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                return _odf_kind(zf)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "zip"  # the zip reader reports the damage with the entry's name
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    if "ppt/presentation.xml" in names:
        return "pptx"
    return "zip"


def _odf_kind(zf: zipfile.ZipFile) -> str:
    try:
        mime = read_entry(zf, zf.getinfo("mimetype"), 256).decode("ascii", "replace")
    except Refused:
        return "zip"
    return "ods" if mime.endswith("opendocument.spreadsheet") else "odf"


# --- zip entries, capped -------------------------------------------------------------------

def check_entry(info: zipfile.ZipInfo, cap: int) -> None:
    """Refuse an entry that cannot or must not be inflated, before reading a byte of it."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise Refused(Found("zip_encrypted", value=name))
    if info.compress_type not in ZIP_METHODS:
        method = METHOD_NAMES.get(info.compress_type, f"#{info.compress_type}")
        raise Refused(Found("zip_method", value=name, params={"method": method}))
    if info.file_size > cap:
        raise Refused(Found("entry_too_big", value=name,
                            params={"mb": cap >> 20, "size_mb": info.file_size >> 20}))


def stream_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The entry's bytes in chunks; refused as soon as more than `cap` bytes came out
    (its declared size may lie) or the stream is damaged."""
    check_entry(info, cap)
    total = 0
    try:
        with zf.open(info) as fh:
            while chunk := fh.read(CHUNK):
                total += len(chunk)
                if total > cap:
                    raise Refused(Found("entry_too_big", value=info.filename,
                                        params={"mb": cap >> 20, "size_mb": total >> 20}))
                yield chunk
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError) as exc:
        raise Refused(Found("zip_damaged", value=info.filename,
                            params={"detail": type(exc).__name__})) from exc


def read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    return b"".join(stream_entry(zf, info, cap))


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip's directory, or Refused (damaged) with the reason."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise Refused(Found("zip_damaged", value=path.name,
                            params={"detail": type(exc).__name__})) from exc
