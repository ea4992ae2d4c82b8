"""The development values of the secrets: `make run`, the tests and the benchmarks use them,
with DEBUG on. Written in the repository, so anyone can read them: production refuses them
(wallboard/settings.py)."""

SECRET_KEY = "dev-only-insecure-secret-key-change-me-in-production-0123456789"  # noqa: S105
FIELD_ENCRYPTION_KEY = "ZGV2LW9ubHktZmllbGQta2V5LWNoYW5nZS1tZS0wMDA="
