"""What a page's websocket sends before any message: the headers of a same-origin socket."""

# A page served by the test server (Host 127.0.0.1) opening its own websocket.
SAME_ORIGIN = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1")]
