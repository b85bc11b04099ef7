"""The office's slow link as a TCP relay: every byte between the browser and a server on
127.0.0.1 crosses one shared link of `mbit` Mbit/s each way, each chunk arriving
`delay_ms` after it left (a round trip of 2 × `delay_ms`). What `first_visit` measures a
visit over the office's network through, instead of Chromium's own network emulation
(CDP `Network.emulateNetworkConditions`), which held responses that had reached the
browser whole for 78 s or 157 s in some visits (docs/benchmarks-diary.md, 2026-12-07,
the stalls). Here, as on a real link, the WebSocket and the TLS and TCP
handshakes are slowed too, and nothing is held once it has crossed.

    with shaped_link(8443, mbit=10, delay_ms=20) as port:  # the browser goes to `port`
        ...
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator

CHUNK = 16 * 1024


class Direction:
    """One way of the link, shared by every connection: a chunk leaves when the ones
    before it have left (the rate), and arrives `delay` seconds later."""

    def __init__(self, bits_per_s: float, delay_s: float) -> None:
        self.bits_per_s, self.delay_s = bits_per_s, delay_s
        self.free_at = 0.0

    def arrival(self, now: float, size: int) -> float:
        self.free_at = max(now, self.free_at) + size * 8 / self.bits_per_s
        return self.free_at + self.delay_s


async def _carry(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 way: Direction) -> None:
    """Bytes from `reader` to `writer` across `way`, in order, each at its arrival time."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def deliver() -> None:
        while True:
            at, data = await queue.get()
            if not data:
                break
            await asyncio.sleep(max(0.0, at - loop.time()))
            writer.write(data)
            await writer.drain()

    delivering = asyncio.create_task(deliver())
    try:
        with contextlib.suppress(ConnectionError):  # gone: what was read still crosses
            while data := await reader.read(CHUNK):
                queue.put_nowait((way.arrival(loop.time(), len(data)), data))
        queue.put_nowait((0.0, b""))
        with contextlib.suppress(OSError):  # the far side closed first: nothing to end
            await delivering
            writer.write_eof()
    finally:  # the link is taken down: nothing left running
        delivering.cancel()
        await asyncio.gather(delivering, return_exceptions=True)


async def _relay(client_r, client_w, port: int, down: Direction, up: Direction) -> None:
    try:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        client_w.close()
        return
    try:
        await asyncio.gather(_carry(client_r, server_w, up), _carry(server_r, client_w, down))
    finally:
        for w in (server_w, client_w):
            w.close()


@contextlib.contextmanager
def shaped_link(port: int, mbit: float = 10, delay_ms: float = 20) -> Iterator[int]:
    """A relay to 127.0.0.1:`port` across the link, in a thread of its own; yields the
    port the browser goes to. On leaving, the connections still open are cut."""
    loop = asyncio.new_event_loop()
    down, up = Direction(mbit * 1e6, delay_ms / 1000), Direction(mbit * 1e6, delay_ms / 1000)
    started, box = threading.Event(), {}

    async def serve() -> None:
        relays: set[asyncio.Task] = set()

        async def accept(reader, writer) -> None:
            task = asyncio.current_task()
            relays.add(task)
            try:
                await _relay(reader, writer, port, down, up)
            finally:
                relays.discard(task)

        box["stop"] = asyncio.Event()
        server = await asyncio.start_server(accept, "127.0.0.1", 0)
        box["port"] = server.sockets[0].getsockname()[1]
        started.set()
        async with server:
            await box["stop"].wait()
        for task in list(relays):
            task.cancel()
        await asyncio.gather(*relays, return_exceptions=True)

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("the slow link did not start")
    try:
        yield box["port"]
    finally:
        loop.call_soon_threadsafe(box["stop"].set)
        thread.join(30)
        loop.close()
