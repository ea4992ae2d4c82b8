"""Processes that the test harness and the benchmarks start, and what /proc says of them.

One `Process` is one long-running command: started in a process group of its own (a kill
reaches whatever it forked; a Ctrl-C in the terminal reaches the test run or benchmark
alone, which then stops its processes in order), writing to a log file of its own (a file,
not a pipe: a chatty process never blocks on a pipe nobody reads), restartable with the
same command line. Nothing is left behind: `kill` and `stop` end the whole group.

    web = Process("web", [sys.executable, "-m", "daphne", ...], env, logs / "web.log")
    web.start()
    wait_http(web, f"http://127.0.0.1:{port}/healthz", ready=(200, 503))
    web.kill(); web.start()        # a crash and a restart, same command
    stop_all([web])                # SIGTERM, a shared grace period, then SIGKILL

Used by tests/stack.py (the whole wallboard), tests/sandbox_process.py,
tests/polling/workers.py and the benchmarks in bench/ (bench/common.py adds what only they
share).
"""

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

ROOT = Path(__file__).resolve().parent.parent
STOP_SECONDS = 8.0  # SIGTERM -> SIGKILL
REAP_SECONDS = 10.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1


class ProcessError(RuntimeError):
    """A process exited when it should run, or something did not happen in time."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    condition: Callable[[], object], timeout: float, what: str, *, every: float = 0.05
) -> object:
    """Poll `condition` until it returns something truthy, which is returned; a connection
    refused meanwhile (HTTP, Redis) counts as not yet. ProcessError after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(httpx.TransportError, redis.ConnectionError):
            result = condition()
            if result:
                return result
        if time.monotonic() > deadline:
            raise ProcessError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


# Loaded here, not in the child between fork and exec (dlopen there could deadlock).
_LIBC = ctypes.CDLL(None, use_errno=True)


def _die_with_parent() -> None:
    """preexec_fn: SIGTERM this child when the process that started it dies, however."""
    with contextlib.suppress(Exception):
        _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass(eq=False)
class Process:
    """One long-running command; see the module docstring. `die_with_parent`: the kernel
    sends it SIGTERM should the process that started it die without stopping it."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_path: Path
    port: int | None = None
    die_with_parent: bool = False
    cwd: Path = ROOT
    process: subprocess.Popen | None = None
    _terminated: bool = field(default=False, init=False, repr=False)

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ProcessError(f"{self.name} was never started")
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            raise ProcessError(f"{self.name} is running already")
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            # The marker that says where each run's output begins (bench/drills_bench.py).
            log.write(f"--- {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent if self.die_with_parent else None,
            )
        self._terminated = False

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` s for it to exit by itself; whether it has."""
        if self.process is None:
            return True
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=timeout)
        return not self.running

    def check_alive(self) -> None:
        """ProcessError with the end of its log if it was started and has exited."""
        if self.process is not None and not self.running:
            raise ProcessError(f"{self.name} exited:\n{self.tail()}")

    def kill(self) -> None:
        """A crash: SIGKILL to the whole process group, no chance to clean up."""
        self._signal(signal.SIGKILL)
        self._reap()

    def terminate(self) -> None:
        """SIGTERM to the group; `stop()` then waits for it."""
        self._signal(signal.SIGTERM)
        self._terminated = True

    def stop(self, deadline: float | None = None) -> None:
        """SIGTERM (unless `terminate()` sent it already), wait until `deadline` (monotonic;
        by default STOP_SECONDS from now), then SIGKILL whatever is left of the group."""
        if deadline is None:
            deadline = time.monotonic() + STOP_SECONDS
        process = self.process
        if process is not None and process.poll() is None:
            if not self._terminated:
                self.terminate()
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
        self._reap()

    def _signal(self, sig: signal.Signals) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, sig)  # the group outlives a dead leader's children

    def _reap(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=REAP_SECONDS)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)  # stragglers of the group

    def tail(self, chars: int = 3000) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(max(0, log.seek(0, os.SEEK_END) - chars))
            return log.read().decode(errors="replace")


def stop_all(processes: Iterable[Process], grace: float = STOP_SECONDS) -> None:
    """SIGTERM to every one, then one shared grace period, then SIGKILL."""
    processes = list(processes)
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.stop(deadline)


def wait_http(
    process: Process,
    url: str,
    *,
    timeout: float = 30,
    ready: Container[int] = (200,),
    http: httpx.Client | None = None,
) -> None:
    """Wait until `url` answers with a status in `ready`; ProcessError with the end of its
    log as soon as `process` exits."""

    def answers() -> bool:
        process.check_alive()
        get = http.get if http is not None else httpx.get
        return get(url, timeout=2).status_code in ready

    wait_until(answers, timeout, f"{process.name} to answer {url}")


def redis_server_argv(port: int, workdir: Path) -> list[str]:
    """A throwaway redis-server on loopback: no snapshots, no append-only file, so a restart
    after a kill -9 comes back empty, as a Redis without persistence does."""
    server = shutil.which("redis-server")
    if server is None:
        raise ProcessError("redis-server is not installed (needed for a private Redis)")
    return [
        *(server, "--bind", "127.0.0.1", "--port", str(port), "--save", ""),
        *("--appendonly", "no", "--dir", str(workdir), "--daemonize", "no"),
    ]


# --- /proc readings of a running process (Linux) -------------------------------------------


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_wait(pid: int) -> float:
    """Seconds the process's threads spent runnable but waiting for a CPU (schedstat): how
    much other work on its core delayed it."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[1])
    return total / 1e9


def proc_fds(pid: int) -> int:
    """Open file descriptors (sockets included); -1 once the process is gone."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


def proc_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0
