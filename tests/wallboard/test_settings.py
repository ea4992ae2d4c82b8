"""Settings load from the environment in a fresh interpreter, as a deployment would."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from wallboard import development

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


SECRETS = {"SECRET_KEY", "FIELD_ENCRYPTION_KEY"}
PRODUCTION = {
    "SECRET_KEY": "a-production-secret-key-of-its-own-0123456789abcdefghijklmnop",
    "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
}


def _load_settings(code: str | None = None, **env: str) -> subprocess.CompletedProcess:
    # As a deployment starts: nothing of the tests' own environment, no .env of a developer.
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *SECRETS}}
    code = code or "import wallboard.settings as s; print(s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", f"import dotenv; dotenv.load_dotenv = lambda *a, **k: None\n{code}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wallboard.settings", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_it_uses_sqlite_by_default() -> None:
    run = _load_settings(DATABASE_URL="", DEBUG="true")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.sqlite3"


def test_it_uses_postgresql_from_database_url() -> None:
    run = _load_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/wallboard", **PRODUCTION)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.postgresql"


def test_postgresql_connections_come_from_a_pool_per_process() -> None:
    code = (
        "import wallboard.settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['OPTIONS']['pool'])"
    )
    url = "postgres://u:p@127.0.0.1:5432/wallboard"
    run = _load_settings(code, DATABASE_URL=url, DATABASE_POOL_MAX_SIZE="4", **PRODUCTION)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "0 {'min_size': 1, 'max_size': 4, 'timeout': 10}"
    sqlite = "import wallboard.settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    assert _load_settings(sqlite, DATABASE_URL="", DEBUG="true").stdout.strip() == "None"


def test_production_is_the_default_and_refuses_to_start_without_secrets() -> None:
    run = _load_settings()  # no DEBUG, no secrets: what an operator gets by default
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "wallboard: SECRET_KEY is not set; production (DEBUG off) needs one. "
        "See .env.example (or set DEBUG=true for development)."
    ]


@pytest.mark.parametrize("name", sorted(SECRETS))
def test_production_refuses_the_development_secrets_of_the_repository(name) -> None:
    run = _load_settings(**{**PRODUCTION, name: getattr(development, name)})
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"wallboard: {name} is the development value from the repository; production "
        "(DEBUG off) needs its own. See .env.example (or set DEBUG=true for development)."
    ]


def test_production_starts_with_secrets_of_its_own_and_debug_off() -> None:
    run = _load_settings("import wallboard.settings as s; print(s.DEBUG)", **PRODUCTION)
    assert (run.returncode, run.stdout.strip()) == (0, "False"), run.stderr


def test_env_example_copied_as_it_is_refuses_to_start() -> None:
    values = dict(
        line.split("=", 1)
        for line in Path(ROOT, ".env.example").read_text().splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    )
    run = _load_settings(**values)
    assert values["DEBUG"] == "false"
    assert run.returncode == 1 and "SECRET_KEY is not set" in run.stderr


def test_health_probes_over_plain_http_are_not_redirected_in_production() -> None:
    code = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client()\n"
        "print(c.get('/livez').status_code, c.get('/healthz').status_code, c.get('/').status_code)"
    )
    run = _load_settings(
        code, DJANGO_SETTINGS_MODULE="wallboard.settings", ALLOWED_HOSTS="testserver", **PRODUCTION
    )
    assert run.returncode == 0, run.stderr
    livez, healthz, home = run.stdout.split()[-3:]
    assert (livez, home) == ("200", "301")  # https elsewhere, but not for the probes
    assert healthz in ("200", "503")


def test_it_explains_a_bad_boolean_in_one_sentence() -> None:
    run = _load_settings(DEBUG="perhaps")
    assert run.returncode != 0
    assert "DEBUG='perhaps' is not a boolean; use true or false." in run.stderr


def test_every_variable_the_settings_read_is_listed_in_env_example() -> None:
    listed = set()
    with open(os.path.join(ROOT, ".env.example")) as example:
        for line in example:
            if "=" in line and not line.lstrip().startswith("#"):
                listed.add(line.split("=", 1)[0].strip())
    read = set()
    for folder, _, files in os.walk(ROOT):
        if any(part in folder for part in (".venv", ".git", "tests", "node_modules")):
            continue
        for name in files:
            if name.endswith(".py"):
                with open(os.path.join(folder, name)) as source:
                    text = source.read()
                read |= set(re.findall(r'env_\w+\(\s*"([A-Z][A-Z0-9_]+)"', text))
    assert read - listed == set()
