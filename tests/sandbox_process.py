"""Start a real sandbox process on a free port and talk to its control API."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningSandbox:
    port: int
    process: subprocess.Popen
    log: tempfile._TemporaryFileWrapper
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.root_url, timeout=10)

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/v3/voice"

    def control(self, method: str, path: str, json: object | None = None) -> httpx.Response:
        """Call the control API; raises on a non-2xx answer so a broken setup fails loudly."""
        response = self.http.request(method, f"/control{path}", json=json)
        response.raise_for_status()
        return response

    def reset(self, **options: object) -> None:
        self.control("POST", "/reset", {"quiet": True, **options})

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def log_tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]


def start_sandbox(*args: str, env: dict[str, str] | None = None) -> RunningSandbox:
    port = free_port()
    # A file, not a pipe: a chatty sandbox can never block on a full pipe nobody reads.
    log = tempfile.NamedTemporaryFile(prefix="sandbox-", suffix=".log")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    sandbox = RunningSandbox(port=port, process=process, log=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = sandbox.log_tail()
            sandbox.stop()
            raise RuntimeError(f"sandbox exited: {tail}")
        try:
            if sandbox.http.get("/control/health").status_code == 200:
                return sandbox
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    sandbox.stop()
    raise RuntimeError("sandbox did not answer /control/health within 30 s")
