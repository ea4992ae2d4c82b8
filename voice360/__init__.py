"""The wallboard's client for the Voice360 REST API v3 (async, httpx)."""
