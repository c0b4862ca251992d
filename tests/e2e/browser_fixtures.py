"""The browser for the journeys: Debian's Chromium, phone-sized pages, and the checks every page
gets (no script errors or Content-Security-Policy refusals, and axe finds no WCAG 2.1 A/AA
failure). conftest.py imports these fixtures; `new_page` opens pages on its `site` fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

import pytest

from tests.conftest import need

if TYPE_CHECKING:
    from tests.e2e.conftest import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
# What axe's script reports when the page it started on was replaced by the next one mid-check.
NAVIGATED_AWAY = ("reading 'documentElement'", "Execution context was destroyed")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright; never a downloaded browser build."""
    if not CHROMIUM.exists():
        need(f"Chromium not installed at {CHROMIUM}: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need("Playwright not installed: pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# WCAG 2.1 A and AA: what UK public sector accessibility regulations require.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class PageLog:
    """Pages each test opened, and those an accessibility check has looked at."""

    visited: list[str] = field(default_factory=list)
    checked: set[str] = field(default_factory=set)
    without_js: set[int] = field(default_factory=set)  # id() of pages opened with JS disabled

    def unchecked(self) -> list[str]:
        """Pages opened but never checked (a jump to #fragment is the same page)."""
        pages = dict.fromkeys(urldefrag(url).url for url in self.visited)
        return [url for url in pages if url not in self.checked]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


def _mirror(browser: Any, page: Any) -> Any:
    """The page's HTML as served, in a page where axe can run but the site's own scripts cannot.

    axe-core needs timers, which never fire in a page with JavaScript disabled, so a no-JS page
    is checked as a copy: same URL and stylesheets, same DOM, page scripts blocked. The copy is
    taken once the page has loaded: a click on a link returns as soon as the next page starts,
    when its document is still empty.
    """
    page.wait_for_load_state("load")
    html, url = page.content(), page.url
    context = browser.new_context(
        base_url=url, viewport=page.viewport_size, storage_state=page.context.storage_state()
    )
    copy = context.new_page()
    copy.route(
        lambda target: target == url,
        lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"),
    )
    copy.route("**/*.js", lambda route: route.abort())
    copy.goto(url)
    return copy


@pytest.fixture
def axe(browser: Any, page_log: PageLog) -> Iterator[Callable[[Any], None]]:
    """axe-core (shipped in axe-playwright-python) finds no WCAG 2.1 A/AA failures on the page."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        need("axe-playwright-python not installed: pip install -e '.[dev]'")
    checker = Axe()
    copies: list[Any] = []

    def check(page: Any) -> None:
        target = page
        if id(page) in page_log.without_js:
            target = _mirror(browser, page)
            copies.append(target.context)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
        target.wait_for_load_state("load")
        try:
            results = checker.run(target, options=options)
        except Exception as error:  # a navigation the test did not wait for replaced the page
            if not any(sign in str(error) for sign in NAVIGATED_AWAY):
                raise
            target.wait_for_load_state("load")
            results = checker.run(target, options=options)
        page_log.checked.add(urldefrag(page.url).url)
        if results.violations_count:
            pytest.fail(f"axe found problems on {page.url}:\n{results.generate_report()}")

    yield check
    for context in copies:
        context.close()


@pytest.fixture
def new_page(browser: Any, site: LiveServer, page_log: PageLog) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh phone-sized context; extra options go to new_context().

    A script error or a Content-Security-Policy refusal on any page fails the test, and so does
    a page the test opened but never ran the `axe` check on.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    def open_page(**options: Any) -> Any:
        options.setdefault("viewport", PHONE)
        options.setdefault("timezone_id", "Europe/London")
        options.setdefault("locale", "en-GB")
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if options.get("java_script_enabled") is False:
            page_log.without_js.add(id(page))
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("console", on_console)
        page.on(
            "framenavigated",
            lambda frame: page_log.visited.append(frame.url) if frame == page.main_frame else None,
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems.extend(f"no accessibility check on {url}" for url in page_log.unchecked())
    if problems:
        pytest.fail("The browser reported problems:\n" + "\n".join(problems))


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path]:
    """Save the whole page as tests/e2e/screenshots/<name>.png (gitignored) for a person to see."""

    def save(page: Any, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
