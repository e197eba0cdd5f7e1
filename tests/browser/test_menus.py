"""Each role signs in with the real login form in chromium and opens every navbar entry.

Every page must answer below 400, raise nothing on the server, stay signed in, show no
error message, load nothing from outside the server, and show no English interface text.
A full-page screenshot of each page goes to test-output/screenshots/<user>-<page>.png.
"""
from urllib.parse import urlsplit

import pytest

from tests.browser.support import (
    COLLECT_NAVBAR,
    COLLECT_PAGE_TEXT,
    browser_unavailable_reason,
    english_ui_words,
    login,
    slug,
)

_reason = browser_unavailable_reason()
if _reason:
    pytest.skip(_reason, allow_module_level=True)

USERS = ["shebao", "zhongtang"]


class PageWatch:
    """What the browser saw while one page loaded: navigation answers, foreign requests, JS errors."""

    def __init__(self, page, base_url):
        self.host = urlsplit(base_url).netloc
        self.answers = []
        self.foreign = []
        self.js_errors = []
        page.on("response", self._response)
        page.on("request", self._request)
        page.on("pageerror", lambda error: self.js_errors.append(str(error)))
        self._page = page

    def _response(self, response):
        if response.request.is_navigation_request() and response.frame == self._page.main_frame:
            self.answers.append((response.status, response.url))

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.host:
            self.foreign.append(request.url)

    def reset(self):
        self.answers.clear()
        self.foreign.clear()
        self.js_errors.clear()


def open_entry(page, menu, href):
    """Open the entry as a user does: unfold its dropdown, click the link."""
    link = page.locator(f'.navbar-collapse a[href="{href}"]').first
    if menu is not None:
        page.locator(f'.navbar-collapse li.dropdown:has(a[href="{href}"]) > a.dropdown-toggle').first.click()
    link.wait_for(state="visible")
    with page.expect_navigation():
        link.click()
    page.wait_for_load_state("load")


def page_problems(page, server, watch):
    problems = []
    for status, url in watch.answers:
        if status >= 400:
            problems.append(f"HTTP {status} for {url}")
    if not watch.answers:
        problems.append("no page was loaded")
    problems += [f"server error: {error}" for error in server.take_errors()]
    path = urlsplit(page.url).path
    if path.startswith("/login"):
        problems.append(f"sent back to the login page ({page.url})")
    for alert in page.locator(".alert-danger").all_inner_texts():
        problems.append(f"error message shown: {alert.strip()[:200]}")
    problems += [f"JavaScript error: {error}" for error in watch.js_errors]
    problems += [f"request outside the server: {url}" for url in sorted(set(watch.foreign))]
    english = english_ui_words(page.evaluate(COLLECT_PAGE_TEXT))
    if english:
        problems.append("English UI text: " + "; ".join(f"{word!r} in “{line}”" for word, line in english))
    return problems


@pytest.mark.parametrize("username", USERS)
def test_every_menu_entry_opens_in_chinese(page, live_server, screenshot_dir, username):
    watch = PageWatch(page, live_server.url)
    login(page, live_server.url, username)
    assert urlsplit(page.url).path == "/", f"{username} was not signed in: {page.url}"
    assert username in page.inner_text("body")

    entries = page.evaluate(COLLECT_NAVBAR)
    assert len(entries) >= 3, f"the navbar of {username} offers almost nothing: {entries}"

    home_url = page.url
    report = {}
    for menu, label, href in entries:
        page.goto(home_url)
        watch.reset()
        live_server.take_errors()
        name = f"{menu} › {label}" if menu else label
        try:
            open_entry(page, menu, href)
        except Exception as exc:  # noqa: BLE001  (a broken entry is reported with the others)
            report[name] = [f"could not open {href}: {exc}"]
            continue
        page.screenshot(path=str(screenshot_dir / f"{username}-{slug(href)}.png"), full_page=True)
        problems = page_problems(page, live_server, watch)
        if problems:
            report[name] = problems

    assert not report, f"{username}: problems on {len(report)} of {len(entries)} pages:\n" + "\n".join(
        f"- {name} :\n    " + "\n    ".join(problems) for name, problems in report.items()
    )
