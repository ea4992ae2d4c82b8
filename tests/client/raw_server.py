"""A tiny HTTP/1.1 server on a real socket that answers every request with canned bytes.

For what the sandbox cannot show: the exact request headers the client sends, chunked bodies
without Content-Length, a body trickled slower than the client's deadline.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class RawServer:
    port: int
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0  # accepted

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v3/voice"


@asynccontextmanager
async def raw_server(
    answer: Callable[[asyncio.StreamWriter], object], keep_alive: bool = False
) -> AsyncIterator[RawServer]:
    """Serve until the block ends; `answer(writer)` writes one response (may be a coroutine).
    `keep_alive`: answer every request a connection brings, not only its first."""
    server_state = RawServer(port=0)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server_state.connections += 1
        try:
            while True:
                server_state.requests.append(await reader.readuntil(b"\r\n\r\n"))
                result = answer(writer)
                if asyncio.iscoroutine(result):
                    await result
                await writer.drain()
                if not keep_alive:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    server_state.port = server.sockets[0].getsockname()[1]
    try:
        yield server_state
    finally:
        server.close()
        await server.wait_closed()


def response(
    status: int, body: bytes, headers: dict[str, str] | None = None, keep_alive: bool = False
) -> bytes:
    connection = "keep-alive" if keep_alive else "close"
    lines = [f"HTTP/1.1 {status} X", f"Connection: {connection}", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if not any(name.lower() == "transfer-encoding" for name in headers or {}):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
