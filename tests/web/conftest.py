"""The browser view under test: ``foedus serve`` started as a user starts it, and Debian's
Chromium driven by Playwright (its own browsers are not downloaded: docs/web.md says why)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Chromium's own traffic (updates, sync, field trials, QUIC probes) off; as root it needs --no-sandbox.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-features=MediaRouter,OptimizationHints", "--metrics-recording-only"]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """``foedus serve --port 0`` in a process of its own; its printed address."""
    work = tmp_path_factory.mktemp("serve")
    proc = subprocess.Popen([str(Path(sys.executable).with_name("foedus")), "serve", "--port", "0", "--workdir", str(work)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"http://127\.0\.0\.1:\d+/", line)
    if not m:
        proc.kill()
        raise AssertionError(f"foedus serve printed no address: {line!r} {proc.stderr.read()[-2000:]}")
    yield m.group(0)
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Outside:
    """Every request the page makes; any that would leave the machine is aborted and kept."""

    def __init__(self, server: str):
        self.host = urlparse(server).netloc
        self.local: list[str] = []
        self.outside: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob") or parsed.netloc == self.host:
            self.local.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()


def open_page(browser, server, outside: Outside, hash_: str = "", width: int = 1280, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    ctx.route("**/*", outside.route)
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.goto(server + ("#" + hash_ if hash_ else ""))
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)
    return page


@pytest.fixture
def visit(browser, server):
    """``visit(hash, width=...) -> page``; after the test: no script error and no request that
    left the machine."""
    outside = Outside(server)
    pages = []

    def go(hash_: str = "", **kw):
        page = open_page(browser, server, outside, hash_, **kw)
        pages.append(page)
        return page

    go.outside = outside
    yield go
    errors = [e for p in pages for e in p.errors]
    for p in pages:
        p.context.close()
    assert not outside.outside, f"requests that would have left the machine: {outside.outside}"
    assert not errors, errors


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("screenshots")
