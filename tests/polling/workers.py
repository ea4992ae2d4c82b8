"""Real Celery worker processes for tests, on the tests' Redis database."""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.processes import Process, stop_all, wait_until
from wallboard.celery import app

STOP_SECONDS = 15.0


@contextmanager
def celery_workers(count: int, env: dict[str, str], log_dir: Path) -> Iterator[list[str]]:
    """Start `count` solo-pool workers, wait until each answers a ping, stop them after."""
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env}
    workers = []
    for i in range(count):
        name = f"budget-test-{i}-{os.getpid()}@localhost"
        argv = [
            *(sys.executable, "-m", "celery", "-A", "wallboard", "worker", "--pool=solo"),
            *("--loglevel=WARNING", "-n", name, "--without-gossip", "--without-mingle"),
        ]
        workers.append(
            Process(name, argv, environment, log_dir / f"worker-{i}.log", die_with_parent=True)
        )
    try:
        for worker in workers:
            worker.start()
        _wait_until_ready(workers)
        yield [worker.name for worker in workers]
    finally:
        stop_all(workers, STOP_SECONDS)


def _wait_until_ready(workers: list[Process]) -> None:
    def all_answer() -> bool:
        for worker in workers:
            worker.check_alive()
        answered = {name for reply in app.control.ping(timeout=0.5) for name in reply}
        return {worker.name for worker in workers} <= answered

    wait_until(all_answer, 60, "the workers to answer a ping", every=0)
