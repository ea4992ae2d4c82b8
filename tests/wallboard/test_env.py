import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from wallboard.env import env_bool, env_int, env_list, env_str, env_url


def test_env_bool_reads_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("true", True), ("1", True), ("YES", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env_bool("FLAG", not expected) is expected


def test_env_bool_names_the_variable_when_the_value_is_not_a_boolean(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG='maybe' is not a boolean"):
        env_bool("DEBUG", False)


def test_env_int_rejects_text_and_values_below_the_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("N", "two")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("N", 1)
    monkeypatch.setenv("N", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum of 1"):
        env_int("N", 1, minimum=1)


def test_env_int_uses_the_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("N", raising=False)
    assert env_int("N", 7) == 7


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS", []) == ["a.example", "b.example"]


def test_env_str_reads_a_secret_from_the_file_named_by_name_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("SECRET_KEY_FILE", str(secret))
    assert env_str("SECRET_KEY") == "s3cret"


def test_env_url_rejects_a_url_with_the_wrong_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", "http://127.0.0.1:6379")
    with pytest.raises(ImproperlyConfigured, match=re.escape("REDIS_URL='http://127.0.0.1:6379'")):
        env_url("REDIS_URL", "redis://127.0.0.1", schemes=("redis", "rediss"))
