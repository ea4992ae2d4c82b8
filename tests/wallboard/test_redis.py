from django.core.cache import caches


def test_cache_clients_made_per_request_share_one_connection_pool():
    # Under ASGI each request gets its own cache client object (an async context each).
    first = caches.create_connection("default")
    second = caches.create_connection("default")
    assert first is not second
    pool = first._cache._get_connection_pool(write=True)
    assert second._cache._get_connection_pool(write=True) is pool
