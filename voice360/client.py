"""The async Voice360 client. One instance (and one httpx.AsyncClient) per event loop.

Interface (implementation to follow):

    client = Voice360Client(base_url, timeout=10.0, max_body_bytes=5_000_000)
    async with client:                       # or: await client.aclose()
        fetched = await client.availability(61, api_key)      # Fetched[list[Agent]]
        await client.queues(61, api_key)                      # Fetched[list[Queue]]
        await client.queue(61, 100134, api_key)               # Fetched[QueueDetail]
        await client.queue_availability(61, api_key)          # Fetched[list[QueueAvailability]]
        await client.queue_availability_detail(61, 100134, api_key)  # Fetched[QueueAvailability]

`api_key=None` is public mode: no X-API-Key header, reduced fields accepted.
"""
