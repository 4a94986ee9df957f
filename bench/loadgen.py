"""A lean HTTP/1.1 load generator on asyncio streams, for 127.0.0.1 only.

Requests are prepared as raw bytes before the clock starts, so that the generator spends its
time on sockets only. Two modes:

- open loop (`open_loop`): requests start at a constant arrival rate whatever the server does;
  latency is measured from each request's *scheduled* start, so a slow server cannot hide its
  queueing delay by slowing the generator down (no coordinated omission);
- closed loop (`closed_loop`): N clients send back to back; gives the most the server takes.

Connections are kept alive when the server allows it (gunicorn's gthread worker) and opened per
request when it does not (the sync worker answers `Connection: close`). A request that fails on
a reused connection before any byte of answer came back is sent once more on a fresh one:
POSTs here carry an Idempotency-Key, so a resend is safe (and is counted as `resent`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

LOCALHOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    """One prepared request: its raw bytes and a label (the idempotency key)."""

    label: str
    raw: bytes


@dataclass
class Result:
    """What became of one request; `status` 0 means no HTTP answer (see `error`)."""

    label: str
    status: int
    latency_s: float  # from the scheduled (open loop) or actual (closed loop) start
    service_s: float  # from the moment the request was sent
    body: bytes = b""
    error: str = ""
    resent: bool = False


@dataclass
class Run:
    """The results of one run and what it cost the generator."""

    results: list[Result]
    wall_s: float
    cpu_s: float  # the generator's own CPU time
    max_lag_s: float = 0.0  # worst delay of a start behind its schedule (open loop)
    connections: int = 0
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Answered requests per second of wall time."""
        return sum(1 for r in self.results if r.status) / self.wall_s if self.wall_s else 0.0


def form_post(path: str, host: str, body: bytes, headers: dict[str, str]) -> bytes:
    """The raw bytes of a form-encoded HTTP/1.1 POST."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        *(f"{k}: {v}" for k, v in headers.items()),
        "",
        "",
    ]
    return "\r\n".join(lines).encode("latin-1") + body


def get(path: str, host: str) -> bytes:
    """The raw bytes of an HTTP/1.1 GET."""
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode("latin-1")


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.used = reader, writer, 0
        self.idle_since = time.perf_counter()

    def close(self) -> None:
        self.writer.close()


class Client:
    """A pool of keep-alive connections to one port on 127.0.0.1.

    A connection idle for `idle_s` is dropped rather than reused: the server closes idle ones
    (gunicorn's --keep-alive, 5 s in the bench), and a request sent as it does is reset.
    """

    def __init__(self, port: int, timeout_s: float = 10.0, idle_s: float = 2.0) -> None:
        self.port, self.timeout_s, self.idle_s = port, timeout_s, idle_s
        self.idle: list[_Conn] = []
        self.opened = self.inflight = 0

    def _reuse(self) -> _Conn | None:
        now = time.perf_counter()
        while self.idle:
            conn = self.idle.pop()
            if now - conn.idle_since < self.idle_s:
                return conn
            conn.close()
        return None

    async def _open(self) -> _Conn:
        reader, writer = await asyncio.open_connection(LOCALHOST, self.port)
        self.opened += 1
        return _Conn(reader, writer)

    async def _exchange(self, conn: _Conn, raw: bytes) -> tuple[int, bytes, bool]:
        conn.writer.write(raw)
        # The whole head in one read, not a line at a time: the generator's CPU is the server's.
        try:
            head = await conn.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise ConnectionResetError("closed before answering") from None
            raise
        status_line, _, fields = head.partition(b"\r\n")
        version, code, *_ = status_line.split(b" ", 2)
        length, close = 0, version == b"HTTP/1.0"
        for line in fields.lower().split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip() == b"close":
                close = True
        body = await conn.reader.readexactly(length) if length else b""
        return int(code), body, close

    async def send(self, request: Request, scheduled: float) -> Result:
        """Send one request and read its answer; times are from `scheduled` and from sending."""
        self.inflight += 1
        try:
            return await self._send(request, scheduled)
        finally:
            self.inflight -= 1

    async def _send(self, request: Request, scheduled: float) -> Result:
        resent = False
        for attempt in (0, 1):
            # A resend always goes on a new connection.
            conn = self._reuse() if attempt == 0 else None
            fresh = conn is None
            sent = time.perf_counter()
            try:
                # One timer for connecting and exchanging (wait_for would add a task each).
                async with asyncio.timeout(self.timeout_s):
                    if conn is None:
                        conn = await self._open()
                    status, body, close = await self._exchange(conn, request.raw)
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                if conn is not None:
                    conn.close()
                if not fresh and attempt == 0 and not isinstance(exc, TimeoutError):
                    resent = True
                    continue
                now = time.perf_counter()
                return Result(
                    request.label, 0, now - scheduled, now - sent, error=repr(exc), resent=resent
                )
            done = time.perf_counter()
            conn.used += 1
            if close:
                conn.close()
            else:
                conn.idle_since = done
                self.idle.append(conn)
            return Result(request.label, status, done - scheduled, done - sent, body, "", resent)
        raise AssertionError("unreachable")

    def close(self) -> None:
        for conn in self.idle:
            conn.close()
        self.idle.clear()


async def _open_loop(
    port: int, requests: Sequence[Request], rate: float, timeout_s: float, max_inflight: int
) -> Run:
    client = Client(port, timeout_s)
    tasks: list[asyncio.Task[Result]] = []
    skipped: list[Result] = []
    cpu0, start = time.process_time(), time.perf_counter()
    max_lag = 0.0
    i = 0
    while i < len(requests):
        now = time.perf_counter()
        due = start + i / rate
        if due > now:
            await asyncio.sleep(due - now)
            continue
        # Start every request whose time has come (several when the loop woke up late).
        while i < len(requests) and start + i / rate <= now:
            scheduled = start + i / rate
            max_lag = max(max_lag, now - scheduled)
            if client.inflight >= max_inflight:
                # The server is that far behind: count the request as failed, unsent.
                skipped.append(Result(requests[i].label, 0, 0.0, 0.0, error="NotSent(in flight)"))
            else:
                tasks.append(asyncio.create_task(client.send(requests[i], scheduled)))
            i += 1
    results = list(await asyncio.gather(*tasks)) + skipped
    wall = time.perf_counter() - start
    client.close()
    return Run(results, wall, time.process_time() - cpu0, max_lag, client.opened)


async def _closed_loop(
    port: int, requests: Sequence[Request], clients: int, seconds: float, timeout_s: float
) -> Run:
    client = Client(port, timeout_s)
    todo: Iterator[Request] = iter(requests)
    results: list[Result] = []
    cpu0, start = time.process_time(), time.perf_counter()
    deadline = start + seconds

    async def worker() -> None:
        for request in todo:
            if time.perf_counter() >= deadline:
                return
            results.append(await client.send(request, time.perf_counter()))

    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - start
    client.close()
    return Run(results, wall, time.process_time() - cpu0, 0.0, client.opened)


def open_loop(
    port: int,
    requests: Sequence[Request],
    rate: float,
    timeout_s: float = 10.0,
    max_inflight: int = 1000,
) -> Run:
    """Start `requests` at `rate` per second (len(requests) / rate seconds of load); with
    `max_inflight` unanswered, a request due is not sent but counted as failed."""
    return asyncio.run(_open_loop(port, requests, rate, timeout_s, max_inflight))


def closed_loop(
    port: int, requests: Sequence[Request], clients: int, seconds: float, timeout_s: float = 10.0
) -> Run:
    """`clients` concurrent clients, back to back, for at most `seconds` or the requests."""
    return asyncio.run(_closed_loop(port, requests, clients, seconds, timeout_s))


# --- calibration: the generator against a trivial server, to show it is not the bottleneck ---

_TRIVIAL = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"


async def _trivial(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            length = 0
            line = await reader.readline()
            if not line:
                return
            while line not in (b"\r\n", b"\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                line = await reader.readline()
            if length:
                await reader.readexactly(length)
            writer.write(_TRIVIAL)
    except (OSError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()


def serve_trivial(port: int) -> None:
    """Answer every request on 127.0.0.1:`port` with a fixed 201 (run in a child process)."""

    async def main() -> None:
        server = await asyncio.start_server(_trivial, LOCALHOST, port)
        async with server:
            await server.serve_forever()

    asyncio.run(main())
