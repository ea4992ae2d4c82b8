import subprocess
import sys

from tests.sandbox_process import ROOT, free_port
from wallboard.preflight import redis_problem


def test_it_finds_no_problem_with_the_running_redis() -> None:
    from django.conf import settings

    assert redis_problem(settings.REDIS_URL) is None


def test_it_says_in_one_line_that_redis_does_not_answer_and_how_to_get_one() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    run = subprocess.run(
        [sys.executable, "-m", "wallboard.preflight"],
        cwd=ROOT,
        env={"REDIS_URL": url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"Redis does not answer at REDIS_URL={url}" in lines[0]
    assert "redis-server" in lines[0]
