"""Browser tests of the built site: options, a local HTTP server, and one Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def pytest_addoption(parser):
    parser.addoption("--site", default=str(ROOT / "_build" / "html"),
                     help="folder of the built site to test")
    parser.addoption("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                     help="Chromium executable, or 'playwright' for Playwright's own browser")


def site_dir(config) -> Path:
    return Path(config.getoption("--site")).resolve()


def html_pages(folder: Path) -> list[str]:
    skip = {"genindex.html", "search.html", "index.html"}  # index.html is a redirect
    pages = []
    for p in sorted(folder.rglob("*.html")):
        rel = p.relative_to(folder).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")) or rel in skip:
            continue
        pages.append(rel)
    return pages


def pytest_generate_tests(metafunc):
    if "page" in metafunc.fixturenames:
        folder = site_dir(metafunc.config)
        pages = html_pages(folder) if folder.is_dir() else []
        metafunc.parametrize("page", pages or [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no built site in {folder}"))])


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(pytestconfig):
    folder = site_dir(pytestconfig)
    if not (folder / "book" / "intro.html").is_file():
        pytest.fail(f"no built site in {folder}: run 'make book' first")
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(pytestconfig):
    from playwright.sync_api import sync_playwright

    exe = pytestconfig.getoption("--chromium")
    args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"]
    with sync_playwright() as pw:
        kwargs = {"headless": True, "args": args}
        if exe != "playwright":
            kwargs["executable_path"] = exe
        b = pw.chromium.launch(**kwargs)
        yield b
        b.close()
