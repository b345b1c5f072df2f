"""Fixtures for the browser tests: Debian's Chromium driven by Playwright (DESIGN.md §7).

Playwright never downloads a browser here: it launches ``/usr/bin/chromium`` (``apt-get install
chromium fonts-noto-cjk``). Screenshots go to ``artifacts/`` at the repository root, which CI keeps.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make between
# browser steps (seeding, picking an enterprise) would otherwise be refused as "async unsafe".
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (never `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _media_in_tmp(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


class PageProblems:
    """What went wrong in the page that a screenshot would not show: script errors, missing assets."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, context: BrowserContext) -> None:
        context.on("weberror", lambda e: self.errors.append(f"script error: {e.error}"))
        context.on("console", lambda m: self.errors.append(f"console error: {m.text}") if m.type == "error" else None)
        context.on(
            "response",
            lambda r: self.errors.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None,
        )


def _context(browser: Browser, **options: Any) -> Generator[tuple[Page, PageProblems], None, None]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
    context.set_default_timeout(15_000)
    problems = PageProblems()
    problems.watch(context)
    try:
        yield context.new_page(), problems
    finally:
        context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[tuple[Page, PageProblems]]:
    yield from _context(browser, viewport={"width": 1280, "height": 900})


@pytest.fixture
def phone(browser: Browser) -> Iterator[tuple[Page, PageProblems]]:
    yield from _context(browser, **PHONE)
