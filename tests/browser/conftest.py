"""Browser tests of the built site: options, a local HTTP server, one Chromium, and the pages.

A test opens pages with the ``open_page`` fixture. When a test that opened pages fails, for any
reason (a recorded problem, an assertion, a timeout), every page it opened is saved as a
full-page screenshot in ``_build/browser-failures/`` and the report names the files. At the end
the session prints one line for the CI log: how many pages the browser visited, in how many tests.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "browser-failures"
LOCAL = re.compile(r"^(https?://127\.0\.0\.1(:\d+)?/|data:|blob:|about:)")
# Sphinx's redirect stub (Jupyter Book's index.html): one meta refresh and nothing else
VISITED = pytest.StashKey[list]()          # the relative URL of every page opened, in order
_REDIRECT_STUB = re.compile(r'^\s*<meta http-equiv="refresh" content="0; ?url=([^"]+)"\s*/?>\s*$',
                            re.I)


def pytest_addoption(parser):
    parser.addoption("--site", default=str(ROOT / "_build" / "html"),
                     help="folder of the built site to test")
    parser.addoption("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                     help="Chromium executable, or 'playwright' for Playwright's own browser")


def site_dir(config) -> Path:
    return Path(config.getoption("--site")).resolve()


def redirect_target(path: Path) -> str | None:
    """The URL a redirect stub sends the browser to, or None for a real page."""
    if path.stat().st_size > 1000:
        return None
    m = _REDIRECT_STUB.match(path.read_text(encoding="utf-8", errors="replace"))
    return m.group(1) if m else None


def html_pages(folder: Path, *, redirects: bool = False) -> list[str]:
    """Every HTML page of the site (genindex.html and search.html included).

    Redirect stubs (a lone meta refresh, no content, nothing for a reader to see) are left out
    unless ``redirects`` is true: the browser would only follow them to a page tested anyway.
    """
    pages = []
    for p in sorted(folder.rglob("*.html")):
        rel = p.relative_to(folder).as_posix()
        if rel.startswith(("_static/", "_sources/", "_images/")):
            continue
        if not redirects and redirect_target(p) is not None:
            continue
        pages.append(rel)
    return pages


# a test argument named here runs once per page of the site whose HTML contains the marker
PAGES_WITH = {"quiz_page": "data-shufflequestions",      # a self-check box (jupyterquiz)
              "solution_page": 'class="solution'}         # a solution (sphinx-exercise)


def pages_with(folder: Path, marker: str) -> list[str]:
    """The pages of the site whose HTML contains ``marker``."""
    pages = html_pages(folder) if folder.is_dir() else []
    return [p for p in pages if marker in (folder / p).read_text(encoding="utf-8")]


def pytest_generate_tests(metafunc):
    folder = site_dir(metafunc.config)
    if "page" in metafunc.fixturenames:
        pages = html_pages(folder) if folder.is_dir() else []
        metafunc.parametrize("page", pages or [pytest.param(None, marks=pytest.mark.skip(
            reason=f"no built site in {folder}"))])
    for name, marker in PAGES_WITH.items():
        if name in metafunc.fixturenames:
            some = pages_with(folder, marker)
            metafunc.parametrize(name, some or [pytest.param(None, marks=pytest.mark.skip(
                reason=f"no page of {folder} has {marker!r}"))])


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


class Page:
    """One page in its own browser context, recording every problem the browser reports.

    ``problems`` collects console errors, page errors, failed local requests and responses
    >= 400; ``external`` every request that tried to leave 127.0.0.1 (all are aborted).
    """

    def __init__(self, browser, url):
        self.url = url
        self.ctx = browser.new_context(service_workers="block")
        self.page = self.ctx.new_page()
        self.problems: list[str] = []
        self.external: list[str] = []

        def route(r):
            if LOCAL.match(r.request.url):
                r.continue_()
            else:
                self.external.append(r.request.url)
                r.abort()

        self.page.route("**/*", route)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: LOCAL.match(r.url) and self.problems.append(
            f"request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))

    def load(self):
        """Open the URL and wait until MathJax has typeset the page."""
        self.page.goto(self.url, wait_until="load")
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
        }""")
        self.page.wait_for_timeout(300)
        return self

    def close(self):
        self.ctx.close()


def pytest_configure(config):
    config.stash[VISITED] = []


@pytest.fixture
def open_page(browser, server, request):
    """``open_page("book/x.html")`` -> a loaded :class:`Page`, closed after the test.

    With ``settle=False`` the page is only navigated to, without waiting for MathJax.

    The page is registered before it loads, so a page that fails to load is screenshotted too.
    """
    opened: list[Page] = []
    request.node.mlhw_pages = opened

    def open_(rel: str, *, settle: bool = True) -> Page:
        p = Page(browser, server + rel)
        opened.append(p)
        request.config.stash[VISITED].append(rel)
        if not settle:                      # only navigate (a redirect stub, say)
            p.page.goto(p.url, wait_until="commit")
            return p
        return p.load()

    yield open_
    for p in opened:
        p.close()


def _shot_name(nodeid: str, i: int, n: int) -> str:
    name = re.sub(r"[^\w.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")
    return f"{name}_{i}.png" if n > 1 else f"{name}.png"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    pages = getattr(item, "mlhw_pages", [])
    if report.failed and report.when in ("setup", "call") and pages:
        SHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for i, p in enumerate(pages):
            shot = SHOTS / _shot_name(item.nodeid, i, len(pages))
            try:
                p.page.screenshot(path=str(shot), full_page=True, timeout=30_000)
                saved.append(f"{p.url} -> {shot}")
            except Exception as exc:  # noqa: BLE001 - the test's own failure is what matters
                saved.append(f"{p.url}: no screenshot ({exc.__class__.__name__}: {exc})")
        report.sections.append(("screenshots of the failing pages", "\n".join(saved)))
    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One line for the CI log: the pages the browser visited and the tests that ran."""
    visited = config.stash.get(VISITED, [])
    stats = terminalreporter.stats
    counts = {k: len(stats.get(k, [])) for k in ("passed", "failed", "error", "skipped")}
    ran = counts["passed"] + counts["failed"] + counts["error"]
    distinct = len({v.split("?", 1)[0].split("#", 1)[0] for v in visited})
    terminalreporter.write_line(
        f"browser layer: {len(visited)} page visits ({distinct} distinct pages) in {ran} tests run "
        f"({counts['passed']} passed, {counts['failed']} failed, {counts['error']} errors, "
        f"{counts['skipped']} skipped)")
