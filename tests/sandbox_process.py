"""Start a real sandbox process on a free port and talk to its control API."""

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.processes import ROOT, Process, ProcessError, free_port, wait_http

__all__ = ["ROOT", "RunningSandbox", "free_port", "start_sandbox"]


@dataclass
class RunningSandbox:
    port: int
    service: Process
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.root_url, timeout=10)

    @property
    def process(self) -> subprocess.Popen:
        assert self.service.process is not None
        return self.service.process

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
        self.service.stop()
        self.service.log_path.unlink(missing_ok=True)

    def log_tail(self) -> str:
        return self.service.tail(2000)


def start_sandbox(*args: str, env: dict[str, str] | None = None) -> RunningSandbox:
    port = free_port()
    fd, log = tempfile.mkstemp(prefix="sandbox-", suffix=".log")
    os.close(fd)
    service = Process(
        "sandbox",
        [sys.executable, "-m", "sandbox", "--port", str(port), *args],
        {**os.environ, **(env or {})},
        Path(log),
        port,
        die_with_parent=True,  # should the test run die before its teardown
    )
    service.start()
    sandbox = RunningSandbox(port=port, service=service)
    try:
        wait_http(service, f"{sandbox.root_url}/control/health", timeout=30, http=sandbox.http)
    except ProcessError as error:
        # An exit's error holds the end of the log already; a timeout's does not.
        message = f"{error}\n{sandbox.log_tail()}" if service.running else str(error)
        sandbox.stop()
        raise RuntimeError(message) from None
    return sandbox
