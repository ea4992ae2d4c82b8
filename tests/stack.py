"""The whole wallboard as real processes on free ports, for browser tests.

Like `make run`, but isolated: a sandbox, daphne, one Celery worker and Celery beat, with a
SQLite file of their own in a temp folder, the tests' Redis database (tests/settings.py
decides which; flushed when a stack starts and when it stops) and a channel-layer prefix of
their own, so nothing reaches a `make run` on the same Redis. Each process runs in its own
process group and writes to its own log file (tests/processes.py); `stop()` leaves nothing
behind.

    stack = Stack(workdir)
    stack.start()
    stack.kill("web"); stack.start_service("web")   # a crash and a restart, same port
    stack.stop()

`Stack(workdir, private_redis=True)` runs a throwaway `redis-server` of its own on a free port
(no persistence) as the service "redis", started first: something to kill -9 and restart
(bench/drills_bench.py) without touching the machine's Redis.
"""

import atexit
import contextlib
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from demo import names as demo
from tests.processes import (
    ROOT,
    STOP_SECONDS,
    Process,
    ProcessError,
    free_port,
    redis_server_argv,
    stop_all,
    wait_http,
    wait_until,
)

ACCOUNT_ID = demo.SANDBOX_ACCOUNT_ID
CORE_SERVICES = ("sandbox", "web", "worker", "beat")
# Every stack that is up, so a failing test can attach their logs (tests/browser/conftest.py).
RUNNING: list["Stack"] = []
# One of the stack's processes (tests/processes.py), and what the stack raises: a process
# that exited, or something that did not happen in time.
Service = Process
StackError = ProcessError


@atexit.register
def _kill_leftovers() -> None:
    """Should pytest itself die before its fixtures' teardown, still leave no process behind."""
    for stack in list(RUNNING):
        for service in stack.services.values():
            service.kill()


def _procfile_web() -> list[str]:
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    return line.removeprefix("web:").split()


def procfile_daphne_options() -> tuple[str, ...]:
    """The daphne options of the Procfile's web line, but for the address (the stack's own
    port): the tests' web process runs as production's does, its access log off included."""
    options: list[str] = []
    words = iter(_procfile_web()[1:-1])  # neither "daphne" nor the application
    for word in words:
        if word in ("--bind", "--port", "-b", "-p", "-e", "--endpoint"):
            next(words)
        else:
            options.append(word)
    return tuple(options)


def procfile_endpoint(port: int) -> str:
    """The Procfile's listening endpoint (its backlog) on the loopback at `port`."""
    argv = _procfile_web()
    endpoint = argv[argv.index("-e") + 1]
    fields = dict(part.split("=", 1) for part in endpoint.split(":")[1:])
    fields |= {"port": str(port), "interface": "127.0.0.1"}
    return ":".join(["tcp", *(f"{k}={v}" for k, v in fields.items())])


@dataclass
class Stack:
    """A sandbox, daphne, a worker and beat; see the module docstring."""

    workdir: Path
    sandbox_args: tuple[str, ...] = ("--quiet-activity",)
    redis_url: str = ""
    private_redis: bool = False  # a redis-server of the stack's own; see the module docstring
    env_overrides: dict[str, str] = field(default_factory=dict)
    sandbox_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    services: dict[str, Service] = field(default_factory=dict)

    def __post_init__(self) -> None:
        redis_port = free_port() if self.private_redis else None
        if redis_port is not None:
            self.redis_url = f"redis://127.0.0.1:{redis_port}/0"
        if not self.redis_url:
            from django.conf import settings

            self.redis_url = settings.REDIS_URL  # the tests' database (tests/settings.py)
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "logs").mkdir(exist_ok=True)
        self.env = self._environment()
        self.redis = redis.Redis.from_url(self.redis_url, decode_responses=True)
        self.http = httpx.Client(timeout=10)
        if redis_port is not None:
            self._define("redis", *redis_server_argv(redis_port, self.workdir), port=redis_port)
        python = sys.executable
        sandbox = (python, "-m", "sandbox", "--port", str(self.sandbox_port), *self.sandbox_args)
        self._define("sandbox", *sandbox, port=self.sandbox_port)
        # The Procfile's web options; an extra web process (start_extra_web) may add others.
        web_options = procfile_daphne_options()
        self._define("web", *self._daphne(self.web_port, *web_options), port=self.web_port)
        self._define(
            "worker",
            *(python, "-m", "celery", "-A", "wallboard", "worker", "--pool=solo"),
            *("--loglevel", "WARNING", "--without-mingle", "--without-gossip"),
            *("--hostname", f"browser-tests-{os.getpid()}@%h"),
        )
        self._define(
            "beat",
            *(python, "-m", "celery", "-A", "wallboard", "beat", "--loglevel", "WARNING"),
            *("--schedule", str(self.workdir / "celerybeat-schedule")),
        )

    # --- setup -------------------------------------------------------------------------------

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
        env.update(
            {
                # The production settings module, not tests.settings: these are servers.
                "DJANGO_SETTINGS_MODULE": "wallboard.settings",
                "DEBUG": "true",  # seed_demo's known password needs it; static files too
                "REDIS_URL": self.redis_url,
                "DATABASE_URL": f"sqlite:///{self.workdir / 'db.sqlite3'}",
                "VOICE360_BASE_URL": f"{self.sandbox_url}/v3/voice",
                "VOICE360_TIMEOUT_SECONDS": "3",
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "CHANNEL_LAYER_PREFIX": f"wallboard-browser-{secrets.token_hex(4)}",
                # A sandbox that comes back is polled within seconds, not after 30 s of backoff.
                "POLL_BACKOFF_MAX_SECONDS": "2",
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        env.update(self.env_overrides)
        return env

    def _daphne(self, port: int, *options: str) -> tuple[str, ...]:
        return (
            *(sys.executable, "-m", "daphne", "-e", procfile_endpoint(port)),
            *options,
            "wallboard.asgi:application",
        )

    def _define(self, name: str, *argv: str, port: int | None = None) -> Service:
        log = self.workdir / "logs" / f"{name}.log"
        self.services[name] = Service(name, list(argv), self.env, log, port)
        return self.services[name]

    def manage(self, *args: str, timeout: float = 60) -> str:
        """`manage.py <args>` with the stack's settings; raises with its output on failure."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self, prepare: Callable[["Stack"], None] | None = None) -> None:
        """Start everything and wait until the board has data. `prepare` runs once the sandbox
        answers and the database is seeded, before the web process, worker and beat start."""
        RUNNING.append(self)
        try:
            if "redis" in self.services:
                self.start_service("redis")
            self.redis.flushdb()
            self.start_service("sandbox", wait=False)
            self.manage("migrate", "--noinput", "-v", "0")
            self.manage("seed_demo")
            self.wait_ready("sandbox")
            if prepare is not None:
                prepare(self)
            for name in ("worker", "beat", "web"):
                self.start_service(name, wait=False)
            self.wait_ready("web")
            self.wait_for_snapshot(after=0.0, timeout=60)
        except BaseException:
            self.stop()
            raise

    def start_service(self, name: str, *, wait: bool = True) -> None:
        self.services[name].start()
        if wait:
            self.wait_ready(name)

    def kill(self, name: str) -> None:
        self.services[name].kill()

    def restart(self, name: str) -> None:
        """A crash and a restart: SIGKILL, then the same command on the same port."""
        self.kill(name)
        self.start_service(name)

    def ensure_running(self) -> None:
        """Restart whatever a previous test left dead (e.g. one that failed mid-outage) and
        stop the extra processes it left behind."""
        for name in [n for n in self.services if n not in (*CORE_SERVICES, "redis")]:
            self.stop_extra(name)
        for name, service in self.services.items():
            if not service.running:
                self.start_service(name)

    def start_extra_web(self, name: str, *daphne_options: str) -> Service:
        """A second daphne on a port of its own, e.g. with `--websocket_timeout 3`."""
        port = free_port()
        service = self._define(name, *self._daphne(port, *daphne_options), port=port)
        self.start_service(name, wait=False)
        self._wait_http(service, f"http://127.0.0.1:{port}/healthz")
        return service

    def stop_extra(self, name: str) -> None:
        self.services.pop(name).stop()

    def stop(self) -> None:
        """Stop every process: SIGTERM to all, a shared grace period, then SIGKILL."""
        stop_all(self.services.values(), STOP_SECONDS)
        with contextlib.suppress(redis.RedisError):
            self.redis.flushdb()
        self.redis.close()
        self.http.close()
        if self in RUNNING:
            RUNNING.remove(self)

    # --- readiness -----------------------------------------------------------------------

    def wait_ready(self, name: str, timeout: float = 30) -> None:
        service = self.services[name]
        if name == "sandbox":
            self._wait_http(service, f"{self.sandbox_url}/control/health", timeout)
        elif name == "redis":

            def pings() -> bool:
                self._check_alive(service)
                return bool(self.redis.ping())

            wait_until(pings, timeout, "redis-server to answer PING")
        elif name == "web":
            self._wait_http(service, self.url("/healthz"), timeout)
        else:
            # A worker or beat is ready when polls land again (both are needed for that).
            self.wait_for_snapshot(after=time.time(), timeout=timeout)

    def _wait_http(self, service: Service, url: str, timeout: float = 30) -> None:
        # /healthz answers 503 while the data is not fresh (no poll yet, sandbox down): the
        # web process is up all the same.
        ready = (200, 503) if url.endswith("/healthz") else (200,)
        wait_http(service, url, timeout=timeout, ready=ready, http=self.http)

    def _check_alive(self, *services: Service) -> None:
        for service in services or self.services.values():
            service.check_alive()

    def snapshot_state(self) -> tuple[int, float]:
        """(version, fetched_at) of the account's snapshot in Redis; (0, 0.0) before the first."""
        version, fetched_at = self.redis.hmget(f"wb:snapshot:{ACCOUNT_ID}", "version", "fetched_at")
        return int(version or 0), float(fetched_at or 0.0)

    def wait_for_snapshot(
        self, *, after: float = 0.0, min_version: int = 1, timeout: float = 30
    ) -> tuple[int, float]:
        """Wait for a poll that succeeded after `after` (Unix time) with at least that version."""

        def fresh() -> tuple[int, float] | None:
            self._check_alive(*(self.services[n] for n in ("worker", "beat")))
            version, fetched_at = self.snapshot_state()
            return (version, fetched_at) if fetched_at > after and version >= min_version else None

        return wait_until(fresh, timeout, "a fresh snapshot in Redis", every=0.1)  # type: ignore[return-value]

    def wait_for_render(self, *, after: float = 0.0, timeout: float = 30) -> int:
        """Wait for a poll that succeeded after `after` and for the account's boards (their
        feeds and public answers) to be rendered from it. Returns its version."""
        version, _fetched_at = self.wait_for_snapshot(after=after, timeout=timeout)

        def rendered() -> bool:
            return int(self.redis.hget(f"wb:snapshot:{ACCOUNT_ID}", "rendered") or 0) >= version

        wait_until(rendered, timeout, f"the boards rendered at version {version}", every=0.1)
        return version

    # --- addresses and the sandbox ---------------------------------------------------------

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    def url(self, path: str, port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.web_port}{path}"

    def tv_url(self, port: int | None = None) -> str:
        return self.url(f"/tv/{demo.demo_kiosk_token()}/", port)

    def public_url(self) -> str:
        return self.url(f"/status/{demo.DEMO_BOARDS['public']}/")

    def control(self, method: str, path: str, json: object | None = None) -> object:
        """The sandbox's control API; raises on a non-2xx answer."""
        response = self.http.request(method, f"{self.sandbox_url}/control{path}", json=json)
        response.raise_for_status()
        return response.json() if response.content else None

    def api(self, method: str, path: str, json: object | None = None) -> dict:
        """The sandbox's Voice360 API of the demo account, with its developer key."""
        response = self.http.request(
            method,
            f"{self.sandbox_url}/v3/voice/{ACCOUNT_ID}{path}",
            json=json,
            headers={"X-API-Key": demo.sandbox_developer_key()},
        )
        response.raise_for_status()
        return response.json()

    def service_waiting(self) -> int:
        """How many calls the wallboard's service tally has waiting for the demo account."""
        client = redis.Redis.from_url(self.redis_url, decode_responses=True)
        try:
            raw = client.get(f"wb:service:{ACCOUNT_ID}")
        finally:
            client.close()
        if raw is None:
            return 0
        state = json.loads(raw)
        return len(set(state["tally"]["waiting"]) - set(state["dismissed"]))

    def account_state(self) -> dict:
        state = self.control("GET", "/state")
        return next(a for a in state["accounts"] if a["id"] == ACCOUNT_ID)  # type: ignore[index]

    # --- diagnostics -------------------------------------------------------------------------

    def logs(self, names: Iterable[str] | None = None, chars: int = 3000) -> str:
        parts = []
        for name in names or self.services:
            service = self.services[name]
            parts.append(f"===== {name} ({service.log_path}), last {chars} characters\n")
            parts.append(service.tail(chars) or "(empty)\n")
        return "".join(parts)
