"""Real Celery worker processes for tests, on the tests' Redis database."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from wallboard.celery import app

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def celery_workers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """Start `count` solo-pool workers, wait until each answers a ping, stop them after."""
    processes, names = [], []
    for i in range(count):
        name = f"budget-test-{i}-{os.getpid()}@localhost"
        log = (log_dir / f"worker-{i}.log").open("wb")
        processes.append(
            (
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "wallboard",
                        "worker",
                        "--pool=solo",
                        "--loglevel=WARNING",
                        "-n",
                        name,
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=ROOT,
                    env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                ),
                log,
            )
        )
        names.append(name)
    try:
        _wait_until_ready(names, processes)
        yield names
    finally:
        for process, _log in processes:
            process.terminate()
        for process, log in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


def _wait_until_ready(names: list[str], processes: list) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for process, _ in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a worker exited with {process.returncode}")
        answered = {name for reply in app.control.ping(timeout=0.5) for name in reply}
        if set(names) <= answered:
            return
    raise RuntimeError("the workers did not answer a ping within 60 s")
