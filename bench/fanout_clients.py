"""Load clients of the fan-out benchmark (bench/fanout_bench.py): one process holds thousands
of websocket viewers or htmx-style HTTP pollers on one asyncio loop.

Viewers are a minimal RFC 6455 client on `asyncio.Protocol` (no per-message task, the HTML
never decoded), so the clients cost a few µs per message and the server stays the
bottleneck. Per received message a viewer records (viewer, version, kind, receive time,
frame bytes); kind and version come from the message's JSON envelope, its first line, read
with `live.protocol.decode` (hello, full, diff, status, ...; -1 for a message without a
version). Times are `time.monotonic()` (CLOCK_MONOTONIC, one clock for every process on
the machine).

A "stalled" viewer connects with a tiny receive buffer, takes its first full state, then
stops reading (`pause_reading`): the TCP connection stays open, the kernel buffers fill and
the server sees back-pressure, as with a frozen browser tab.

The driver talks to a client process through a `multiprocessing` pipe: a command tuple in,
one answer out (see `Client.handle`).
"""

import asyncio
import base64
import contextlib
import os
import re
import resource
import signal
import socket
import time
import zlib
from dataclasses import dataclass, field

import common  # noqa: F401 - puts the checkout on sys.path, here and in spawned clients

from live import protocol

STALLED_RCVBUF = 4096
CONNECT_CONCURRENCY = 64
CONNECT_TIMEOUT = 60.0


def raise_nofile(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, max(soft, wanted)) if hard != resource.RLIM_INFINITY else wanted
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _masked(opcode: int, payload: bytes) -> bytes:
    """A client frame (clients must mask); only for small control frames."""
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + key + body


def envelope(message: bytes) -> tuple[int, str]:
    """(version or -1, kind) of a message, from its first line alone: the HTML after it is
    neither decoded nor parsed. Kind "other" for what is not a wallboard message."""
    end = message.find(b"\n")
    try:
        decoded = protocol.decode((message if end < 0 else message[:end]).decode())
    except (ValueError, KeyError):  # JSONDecodeError and UnicodeDecodeError included
        return -1, "other"
    version = decoded.version
    return (-1 if version is None else version), decoded.kind.value


class Viewer(asyncio.Protocol):
    def __init__(self, client: "Client", idx: int, request: bytes, stalled: bool) -> None:
        self.client = client
        self.idx = idx
        self.request = request
        self.stalled = stalled
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.handshaken = False
        self.inflate: zlib._Decompress | None = None
        self.parts: list[bytes] = []
        self.part_bytes = 0
        self.compressed = False
        self.ready: asyncio.Future = asyncio.get_running_loop().create_future()
        self.closed_at: float | None = None
        self.close_code: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
        if not self.ready.done():
            self.ready.set_result(f"lost before ready: {exc!r}")
        self.client.open.discard(self)

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        buf = self.buf
        buf += data
        if not self.handshaken:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).lower()
            del buf[: end + 4]
            if not head.startswith(b"http/1.1 101"):
                if not self.ready.done():
                    self.ready.set_result(head.split(b"\r\n", 1)[0].decode(errors="replace"))
                self.transport.close()
                return
            self.handshaken = True
            if b"permessage-deflate" in head:
                self.client.deflate_accepted += 1
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        self._frames(now)

    def _frames(self, now: float) -> None:
        buf = self.buf
        n = len(buf)
        pos = 0
        while n - pos >= 2:
            b0, b1 = buf[pos], buf[pos + 1]
            length, head = b1 & 0x7F, 2
            if length == 126:
                if n - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
            elif length == 127:
                if n - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
            if n - pos < head + length:
                break
            payload = bytes(buf[pos + head : pos + head + length])
            pos += head + length
            self._frame(b0, payload, head + length, now)
        if pos:
            del buf[:pos]

    def _frame(self, b0: int, payload: bytes, size: int, now: float) -> None:
        opcode = b0 & 0x0F
        if opcode in (0, 1, 2):
            if opcode:
                self.compressed = bool(b0 & 0x40)
            self.parts.append(payload)
            self.part_bytes += size
            if b0 & 0x80:
                message = b"".join(self.parts)
                size, self.parts, self.part_bytes = self.part_bytes, [], 0
                if self.compressed and self.inflate is not None:
                    message = self.inflate.decompress(message + b"\x00\x00\xff\xff")
                self._message(message, size, now)
        elif opcode == 9 and self.transport is not None:  # ping: answer, as a browser does
            self.transport.write(_masked(0xA, payload))
        elif opcode == 8:
            self.close_code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            self.closed_at = now
            if self.transport is not None:
                self.transport.write(_masked(0x8, payload[:2]))
                self.transport.close()

    def _message(self, message: bytes, size: int, now: float) -> None:
        version, kind = envelope(message)
        self.client.records.append((self.idx, version, kind, now, size))
        if not self.ready.done() and version >= 0:  # the full state, not the hello before it
            self.ready.set_result(None)


@dataclass
class Client:
    host: str
    port: int
    name: str = "client"
    viewers: list[Viewer] = field(default_factory=list)
    open: set[Viewer] = field(default_factory=set)
    records: list[tuple] = field(default_factory=list)
    deflate_accepted: int = 0
    source_ips: int = 8
    _watch: asyncio.Task | None = None

    def request(self, path: str) -> bytes:
        key = base64.b64encode(os.urandom(16)).decode()
        origin = f"http://{self.host}:{self.port}"
        # What a browser sends, permessage-deflate offer included (the server decides).
        return (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: {origin}\r\nSec-WebSocket-Extensions: permessage-deflate; "
            f"client_max_window_bits\r\nUser-Agent: fanout-bench\r\n\r\n"
        ).encode()

    async def _open_one(self, path: str, stalled: bool, sem: asyncio.Semaphore) -> str | None:
        loop = asyncio.get_running_loop()
        idx = len(self.viewers)
        viewer = Viewer(self, idx, self.request(path), stalled)
        self.viewers.append(viewer)
        async with sem:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                if stalled:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, STALLED_RCVBUF)
                # Spread source addresses so ephemeral ports never run short.
                sock.bind((f"127.0.0.{2 + idx % self.source_ips}", 0))
                sock.setblocking(False)
                await loop.sock_connect(sock, (self.host, self.port))
                await loop.create_connection(lambda: viewer, sock=sock)
            except OSError as exc:
                sock.close()
                viewer.closed_at = time.monotonic()
                return f"connect: {exc}"
            self.open.add(viewer)
            try:
                return await asyncio.wait_for(asyncio.shield(viewer.ready), CONNECT_TIMEOUT)
            except TimeoutError:
                return "no first message within the timeout"

    async def connect(self, path: str, count: int, stalled: int) -> dict:
        raise_nofile(len(self.viewers) + count + 1000)
        sem = asyncio.Semaphore(CONNECT_CONCURRENCY)
        started = time.monotonic()
        results = await asyncio.gather(
            *(self._open_one(path, i < stalled, sem) for i in range(count))
        )
        errors: dict[str, int] = {}
        for r in results:
            if r is not None:
                errors[r] = errors.get(r, 0) + 1
        return {
            "ok": count - sum(errors.values()),
            "errors": errors,
            "seconds": time.monotonic() - started,
            "open": len(self.open),
        }

    def stall(self) -> int:
        n = 0
        for v in self.viewers:
            if v.stalled and v.transport is not None and not v.transport.is_closing():
                v.transport.pause_reading()
                n += 1
        self._watch = asyncio.get_running_loop().create_task(self._watch_stalled())
        return n

    async def _watch_stalled(self) -> None:
        """A paused transport never sees the server's close: ask the kernel for the TCP
        state of stalled sockets instead (ESTABLISHED is 1)."""
        while any(v.stalled and v.closed_at is None for v in self.viewers):
            await asyncio.sleep(0.25)
            now = time.monotonic()
            for v in self.viewers:
                if not v.stalled or v.closed_at is not None or v.transport is None:
                    continue
                sock = v.transport.get_extra_info("socket")
                try:
                    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
                except (OSError, AttributeError):
                    state = 0
                if state != 1:
                    v.closed_at = now

    def abort_all(self) -> int:
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        n = 0
        for v in list(self.open):
            if v.transport is not None:
                v.transport.abort()  # RST: no TIME_WAIT on our side
                n += 1
        self.open.clear()
        self.viewers.clear()
        self.records.clear()
        return n

    def collect(self) -> dict:
        records, self.records = self.records, []
        return {
            "records": records,
            "cpu": time.process_time(),
            "open": len(self.open),
            "stalled": [v.idx for v in self.viewers if v.stalled],
            "closed": [
                (v.idx, v.stalled, v.closed_at, v.close_code)
                for v in self.viewers
                if v.closed_at is not None
            ],
            "deflate": self.deflate_accepted,
        }

    async def poll(self, path: str, count: int, interval: float, seconds: float) -> dict:
        """`count` htmx-style pollers: each GETs `path` every `interval` s on a keep-alive
        connection, first requests spread over one interval."""
        raise_nofile(count + 1000)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        body_bytes: list[int] = []
        errors: dict[str, int] = {}
        start = time.monotonic() + 0.5
        end = start + seconds
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nHX-Request: true\r\n"
            f"Accept: text/html\r\nUser-Agent: fanout-bench\r\n\r\n"
        ).encode()

        async def one(i: int) -> None:
            offset = interval * i / count
            reader = writer = None
            k = 0
            while True:
                due = start + offset + k * interval
                if due >= end:
                    break
                k += 1
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(
                            self.host, self.port, local_addr=(f"127.0.0.{2 + i % 8}", 0)
                        )
                    t0 = time.monotonic()
                    writer.write(request)
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = int(head.split(b" ", 2)[1])
                    match = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                    size = int(match.group(1)) if match else 0
                    await reader.readexactly(size)
                    latencies.append(time.monotonic() - t0)
                    statuses[status] = statuses.get(status, 0) + 1
                    body_bytes.append(len(head) + size)
                    if re.search(rb"(?i)\r\nconnection:\s*close", head) or not match:
                        writer.close()
                        writer = None
                except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    if writer is not None:
                        writer.close()
                    writer = None
            if writer is not None:
                writer.close()

        cpu0 = time.process_time()
        await asyncio.gather(*(one(i) for i in range(count)))
        return {
            "latencies": latencies,
            "statuses": statuses,
            "bytes": body_bytes,
            "errors": errors,
            "cpu": time.process_time() - cpu0,
        }

    async def handle(self, command: tuple) -> object:
        kind, *args = command
        if kind == "connect":
            return await self.connect(*args)
        if kind == "collect":
            return self.collect()
        if kind == "stall":
            return self.stall()
        if kind == "abort":
            return self.abort_all()
        if kind == "poll":
            return await self.poll(*args)
        if kind == "cpu":
            return time.process_time()
        raise ValueError(f"unknown command {kind!r}")


async def _serve(conn, host: str, port: int, name: str) -> None:
    client = Client(host, port, name)
    loop = asyncio.get_running_loop()
    while True:
        # The pipe is read in a thread so the loop keeps serving the sockets meanwhile.
        command = await loop.run_in_executor(None, conn.recv)
        if command[0] == "quit":
            client.abort_all()
            conn.send("bye")
            return
        try:
            answer = await client.handle(command)
        except Exception as exc:  # report it to the driver, which stops the run
            answer = {"error": repr(exc)}
        conn.send(answer)


def run_client(conn, host: str, port: int, name: str, cpu: int | None) -> None:
    """Entry point of a client process (multiprocessing, spawn)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver stops us
    if cpu is not None:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {cpu})
    with contextlib.suppress(EOFError, BrokenPipeError, KeyboardInterrupt):
        asyncio.run(_serve(conn, host, port, name))
