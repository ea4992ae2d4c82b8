"""The alert browser tests run on the stack and Chromium of tests/browser/conftest.py, with
Chromium allowed to play audio without a click (the TV's kiosk has no one to click)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.conftest import (  # noqa: F401 - fixtures used by the tests here
    CHROMIUM,
    CHROMIUM_ARGS,
    _chromium_installed,
    stack,
    stack_pool,
    tab,
)

AUTOPLAY = "--autoplay-policy=no-user-gesture-required"


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, AUTOPLAY]
        )
        try:
            yield chromium
        finally:
            chromium.close()
