from tests.webhooks.conftest import account, receiver  # noqa: F401  (the same fixtures)
