"""The one download widget of the app: a file built in memory when it is clicked.

Every page that offers a file (the explorer's rows, the whole store, the meeting pack,
the week's change list, the Data page's export) calls `download(...)` with a `build`
function that returns the file's bytes. Streamlit runs `build` only when the person
clicks the button (its deferred download: on a worker thread, after the click, never on
a rerun), holds the bytes in memory for that one download, and writes nothing to disk.
So a page costs nothing for the files it offers, and a file is never stale: it is built
from the page's inputs at the moment of the click.

`build` runs outside the page's script run: it must not call Streamlit, and it gets
everything it needs through its closure: plain parameters, and the store connection as
`storage.connection_ref()` (held weakly, so a button the browser still shows keeps no dropped
connection open). It reads the store through `coopdash.store.query`, which hands each
thread its own cursor.

`permission` names what the person's role must allow (`coopdash.access`): without it the
button is not drawn at all, and the check is made again at the click, the point of use,
with the role read afresh (`auth.still_allowed`: an administrator may have removed it
since the page was drawn); a file with participants' names (one given a `record`) also
needs the role to see names still (an analyst's meeting pack, drawn with names, is not
built for the viewer the analyst has become). A refused click builds nothing, and the
run the click starts says why (`auth.note_refusal`: signed out, role removed or
lowered); the browser's own "Failed to generate file" under the button is all
Streamlit can say from the build. `record` is called after a file is built at the
click: the access log of files that hold participants' names (`auth.recorder`).
This is the only way a file leaves the app: Streamlit's own grid toolbar ("Download as
CSV", copy) is off (`client.disableDataExport` in `.streamlit/config.toml`), and no
page calls `st.download_button` itself (both tested).
A known reason the file cannot be made (too many rows for Excel, no Chromium for a PDF)
is passed as `unavailable`: the button is then shown disabled with that reason beside it,
instead of failing after the click. Anything else that goes wrong in `build` is a bug:
it is raised (Streamlit logs it with its traceback and the browser reports the download
failed), never turned into an empty file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from coopdash.access import Person
from coopdash.web import auth
from coopdash.web.context import Context

MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
    "zip": "application/zip",
    "html": "text/html",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

Build = Callable[[], bytes]


class NotAllowedError(PermissionError):
    """A download was asked for by a role that may not have it."""


def allowed(person: Person, permission: str | None) -> bool:
    """Whether `person`'s role may have a download that needs `permission`."""
    return permission is None or person.can(permission)


def guarded(build: Build, check: Callable[[], bool], permission: str | None,
            record: Callable[[], None] | None = None) -> Build:
    """`build`, checking the permission again when it runs (at the click), then
    `record`ing that the file left (when given)."""

    def run() -> bytes:
        if not check():
            raise NotAllowedError(f"not allowed: {permission}")
        data = build()
        if record is not None:
            record()
        return data

    return run


def download(ctx: Context, key: str, label: str, build: Build, file_name: str, *,
             record: Callable[[], None] | None, permission: str | None = None,
             unavailable: str | None = None, where: Any = None, primary: bool = True,
             help: str | None = None) -> bool:
    """Draw a download button for the file `build()` makes (at the click, in memory).

    `record` is required: the caller says how the file is logged (`auth.recorder(...)`,
    which is None for a role that sees no names) or that it holds no participant's
    name (`record=None`); `tests/unit/test_download.py` holds every call to it.

    `file_name`'s extension picks the MIME type (`MIME`). Returns whether the button was
    drawn: False when the role lacks `permission`. `where` is a container or column
    (default: the page)."""
    if not allowed(ctx.person, permission):
        return False
    # a file with names (it is logged: `record`) was drawn for a role that sees them
    check = auth.still_allowed(ctx.person, ctx.settings, permission, names=record is not None)
    box = where if where is not None else st
    ext = file_name.rsplit(".", 1)[-1].lower()
    box.download_button(label, data=guarded(build, check, permission, record),
                        file_name=file_name, mime=MIME[ext], key=key,
                        on_click=auth.note_refusal, args=(check, file_name),
                        icon=":material/download:", type="primary" if primary else "secondary",
                        disabled=unavailable is not None, help=help)
    if unavailable is not None:
        box.caption(unavailable)
    return True
