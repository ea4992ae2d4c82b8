import io
import logging
from collections.abc import Iterator

import pytest

from wallboard.access_log import RedactSecrets


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler writes, captured."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactSecrets) for f in h.filters)
    )
    stream, handler.stream = handler.stream, io.StringIO()
    yield handler.stream
    handler.stream = stream
