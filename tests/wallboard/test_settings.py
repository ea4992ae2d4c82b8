"""Settings load from the environment in a fresh interpreter, as a deployment would."""

import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    code = "import wallboard.settings as s; print(s.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "wallboard.settings", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_it_uses_sqlite_by_default() -> None:
    run = _load_settings(DATABASE_URL="")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.sqlite3"


def test_it_uses_postgresql_from_database_url() -> None:
    run = _load_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/wallboard")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "django.db.backends.postgresql"


def test_it_refuses_to_start_without_a_secret_key_in_production() -> None:
    run = _load_settings(DEBUG="false", SECRET_KEY="", FIELD_ENCRYPTION_KEY="x")
    assert run.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in run.stderr


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
