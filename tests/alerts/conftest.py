import pytest


@pytest.fixture
def broker(redis_client):
    """The tests' Redis, which is Celery's broker too: tasks sent land in its list."""
    return redis_client
