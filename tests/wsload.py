"""A load client that speaks Streamlit's own protocol, so that one asyncio process drives
hundreds of sessions of a served coopdash without a browser each (issue 22 §3). It lives
with the tests: the capacity benchmark drives its sessions with it, and the nginx test
checks with it that a browser's sockets stay with one process.

What a browser tab does, and what this does in its place: it opens the WebSocket at
`<base>/_stcore/stream` and sends `BackMsg.rerun_script` (a `ClientState`: the page's
`page_name` — its URL path, "" for the default page — the query string, and the state
of every widget it has set). The server answers with `ForwardMsg`s (`new_session`,
`navigation`, `delta`s with the page's elements) and the run is over at `script_finished`
(status 0, 1 or 3; 2 means the script was stopped for another run that follows) followed
by `session_status_changed` with the script no longer running. Changing a filter is one
more `rerun_script` with the widget's new value (`WidgetState`, by the widget's id read
from the element the server sent). The socket is read all the time (the server queues at
most 500 messages per session and drops a session that does not read).

What it does not do: draw (no Plotly, no JavaScript), fetch the page's HTML and scripts,
or keep the browser's message cache (it sends no `cached_message_hashes`, so the server
sends every element in full: a little more work for the server than a browser's reruns).

Sign-in: where the deployment has an `[auth]` section, a session carries the identity
cookie Streamlit itself sets after an OpenID Connect sign-in (`_streamlit_user`, signed
with the deployment's `cookie_secret`, bound to the origin, with `email`,
`email_verified` and `iat`), made by `identity_cookie` from the test deployment's secret.
So coopdash's own sign-in path runs on every rerun (the role read from the store, the
sign-out check), exactly as for a person; only the trip to the provider is skipped. The
XSRF token a browser reads from its cookie is made here too (`_streamlit_xsrf`; the
server checks the one in the subprotocol against the cookie, with no secret of its own).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

FINISHED_EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
USER_COOKIE = "_streamlit_user"
XSRF_COOKIE = "_streamlit_xsrf"


class RunTimeoutError(Exception):
    """A run that did not finish within the client's patience."""


@dataclass
class Run:
    """One script run as the client saw it: from the `rerun_script` sent to the
    `session_status_changed` that says the script stopped."""

    page: str
    query: str
    sent: float  # time.monotonic() when the rerun was sent
    seconds: float | None = None  # until the run was over (None: not over)
    statuses: list[int] = field(default_factory=list)  # every script_finished status
    elements: list[Element] = field(default_factory=list)
    page_not_found: bool = False
    ref_hashes: int = 0  # elements sent as references to the browser's cache
    received: int = 0  # bytes of the messages the run sent
    done: asyncio.Event = field(default_factory=asyncio.Event)
    _finished: bool = False

    def metrics(self) -> dict[str, str]:
        """The figures of the run's `st.metric`s by their label, as a person reads them."""
        return {e.metric.label: e.metric.body for e in self.elements
                if e.WhichOneof("type") == "metric"}

    def exceptions(self) -> list[str]:
        """Every exception box the run drew (type: message)."""
        return [f"{e.exception.type}: {e.exception.message}" for e in self.elements
                if e.WhichOneof("type") == "exception"]

    def widget(self, key: str) -> Element:
        """The last widget element drawn with the user key `key` (its id ends with it)."""
        for element in reversed(self.elements):
            kind = element.WhichOneof("type")
            widget_id = getattr(getattr(element, kind), "id", "") if kind else ""
            if isinstance(widget_id, str) and widget_id.endswith(f"-{key}"):
                return element
        raise KeyError(f"no widget with key {key!r} in the run of {self.page!r}")

    def take(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self.elements.append(msg.delta.new_element)
        elif kind == "ref_hash":
            self.ref_hashes += 1
        elif kind == "page_not_found":
            self.page_not_found = True
        elif kind == "script_finished":
            self.statuses.append(msg.script_finished)
            self._finished = msg.script_finished != FINISHED_EARLY_FOR_RERUN
        elif (kind == "session_status_changed" and self._finished
              and not msg.session_status_changed.script_is_running):
            self.seconds = time.monotonic() - self.sent
            self.done.set()


def run_apart(coroutine):
    """`coroutine` run to its end on an event loop of its own thread: in a test process
    that ran a Chromium test, Playwright's sync API keeps its loop running in the main
    thread (the session's `browser`), where `asyncio.run` is refused."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def xsrf_token() -> str:
    """A token in the form Streamlit's server makes and checks (`2|mask|token|time`)."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    return generate_xsrf_token_string()


def identity_cookie(secret: str, origin: str, email: str, issued_at: float | None = None
                    ) -> str:
    """The `_streamlit_user` cookie Streamlit sets after a sign-in of `email` at `origin`
    (scheme://host:port of the public URL), signed with the deployment's cookie secret."""
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    payload = {"origin": origin, "is_logged_in": True, "email": email,
               "email_verified": True, "iat": int(issued_at or time.time())}
    return create_signed_value(secret, USER_COOKIE, json.dumps(payload)).decode()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def stream_url(base: str) -> str:
    """The WebSocket of the app served at `base` (http(s)://host:port[/base path])."""
    scheme = "wss" if base.startswith("https") else "ws"
    return f"{scheme}://{base.split('://', 1)[1].rstrip('/')}/_stcore/stream"


class Session:
    """One browser tab's worth of Streamlit session over one WebSocket."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.states: dict[str, WidgetState] = {}  # widget id -> what this "person" set
        self.current: Run | None = None
        self.last: Run | None = None
        self.other: list[str] = []  # what came outside any run (a reader's own notes)
        self._reader = asyncio.create_task(self._read(), name="wsload-read")

    @classmethod
    async def open(cls, base: str, *, cookies: dict[str, str] | None = None,
                   headers: dict[str, str] | None = None, ssl=None) -> Session:
        """Connect to the app at `base`, as a browser of that origin would."""
        token = xsrf_token()
        jar = {XSRF_COOKIE: token, **(cookies or {})}
        cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
        ws = await connect(stream_url(base), origin=origin_of(base),
                           subprotocols=["streamlit", token], proxy=None, max_size=None,
                           additional_headers={"Cookie": cookie, **(headers or {})},
                           open_timeout=60, ping_interval=None, ssl=ssl)
        return cls(ws)

    async def _read(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                if self.current is not None:
                    self.current.received += len(data)
                    self.current.take(msg)

    async def run(self, page: str = "", query: str = "", timeout: float = 120.0) -> Run:
        """Ask for a run of `page` (its URL path; "" the default page) with `query` (the
        URL's query string, without "?") and every widget state set so far; wait for its
        end. A run cut short by another one (status 2) is followed to the real end."""
        if self._reader.done():
            raise ConnectionError(f"the session's socket closed: {self._reader.exception()}")
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name, state.query_string = page, query
        state.widget_states.widgets.extend(self.states.values())
        state.context_info.locale = "en-US"
        state.context_info.timezone = "Asia/Jakarta"
        run = self.current = Run(page=page, query=query, sent=time.monotonic())
        await self.ws.send(msg.SerializeToString())
        try:
            await asyncio.wait_for(run.done.wait(), timeout)
        except TimeoutError as exc:
            raise RunTimeoutError(f"no end of the run of {page!r} after {timeout:.0f} s") from exc
        self.last = run
        return run

    def choose(self, key: str, labels: list[str]) -> None:
        """Set the multiselect with the user key `key` (from the last run) to the options
        shown as `labels`, as a person picking them; applied by the next `run`."""
        element = self.last.widget(key)
        unknown = set(labels) - set(element.multiselect.options)
        if unknown:
            raise KeyError(f"{key} offers no {sorted(unknown)}")
        state = WidgetState(id=element.multiselect.id)
        state.string_array_value.data.extend(labels)
        self.states[state.id] = state

    def options(self, key: str) -> list[str]:
        """The options the multiselect `key` of the last run offers, as shown."""
        return list(self.last.widget(key).multiselect.options)

    async def close(self) -> None:
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        await self.ws.close()
