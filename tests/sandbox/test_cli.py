"""`python -m sandbox`: flags, their environment variables, and the start banner."""

import subprocess
import sys

import httpx
import pytest

from sandbox.__main__ import banner, parse_args
from sandbox.scenarios import DEMO_DEVELOPER_KEY
from tests.sandbox_process import ROOT, start_sandbox


def test_defaults_match_the_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "SANDBOX_HOST",
        "SANDBOX_PORT",
        "SANDBOX_SCENARIO",
        "SANDBOX_SEED",
        "SANDBOX_TIME_SCALE",
        "SANDBOX_EXTRA_ACCOUNTS",
        "SANDBOX_QUIET",
    ):
        monkeypatch.delenv(name, raising=False)
    config = parse_args([])
    assert (config.host, config.port, config.scenario, config.seed) == (
        "127.0.0.1",
        8001,
        "default",
        61,
    )
    assert (config.time_scale, config.extra_accounts, config.quiet) == (1.0, 0, False)
    assert config.keys.developer == DEMO_DEVELOPER_KEY


def test_environment_variables_set_every_option(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "SANDBOX_HOST": "127.0.0.2",
        "SANDBOX_PORT": "9001",
        "SANDBOX_SCENARIO": "large",
        "SANDBOX_SEED": "7",
        "SANDBOX_TIME_SCALE": "10",
        "SANDBOX_EXTRA_ACCOUNTS": "3",
        "SANDBOX_QUIET": "1",
        "SANDBOX_DEVELOPER_KEY": "v360_dev_mine",
        "SANDBOX_USER_KEY": "usrmine",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = parse_args([])
    assert (config.host, config.port, config.scenario, config.seed) == (
        "127.0.0.2",
        9001,
        "large",
        7,
    )
    assert (config.time_scale, config.extra_accounts, config.quiet) == (10.0, 3, True)
    assert (config.keys.developer, config.keys.user) == ("v360_dev_mine", "usrmine")
    assert parse_args(["--seed", "9", "--port", "8100"]).seed == 9  # flags win


def test_banner_names_the_base_url_and_every_key() -> None:
    config = parse_args(["--port", "8123"])
    text = banner(
        config,
        [
            {
                "id": 61,
                "name": "Demo",
                "developer_key": "v360_dev_x",
                "user_keys": [
                    {"key": "usr1", "name": "John Smith", "presence_id": "1001", "pk": 123}
                ],
            }
        ],
    )
    assert "http://127.0.0.1:8123/v3/voice" in text
    assert "v360_dev_x" in text and "usr1" in text


def test_help_lists_the_flags() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sandbox", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for flag in (
        "--host",
        "--port",
        "--scenario",
        "--seed",
        "--time-scale",
        "--accounts",
        "--quiet-activity",
    ):
        assert flag in out


def test_keys_from_the_environment_are_the_ones_the_api_accepts() -> None:
    sandbox = start_sandbox(
        "--quiet-activity", "--accounts", "2", env={"SANDBOX_DEVELOPER_KEY": "v360_dev_from_env"}
    )
    try:
        url = f"{sandbox.base_url}/61/queues"
        assert httpx.get(url, headers={"X-API-Key": "v360_dev_from_env"}).status_code == 200
        assert httpx.get(url, headers={"X-API-Key": DEMO_DEVELOPER_KEY}).status_code == 403
        ids = [a["id"] for a in sandbox.control("GET", "/accounts").json()]
        assert ids == [61, 1001, 1002]
    finally:
        sandbox.stop()
