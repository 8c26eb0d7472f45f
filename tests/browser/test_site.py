"""Every page of the built site, opened in headless Chromium.

Fails on a console error, a page error, a failed request, a response >= 400, any request leaving
127.0.0.1, maths not typeset by MathJax, a widget view not rendered, an image without alt text, or
a serious or critical accessibility violation (axe-core). A failing page's screenshot is saved in
``_build/browser-failures/``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from .conftest import ROOT, html_pages, site_dir

AXE = ROOT / "_offline" / "test" / "axe.min.js"
SHOTS = ROOT / "_build" / "browser-failures"
LOCAL = re.compile(r"^(https?://127\.0\.0\.1(:\d+)?/|data:|blob:|about:)")


class _Page:
    """Open a page, recording every problem the browser reports."""

    def __init__(self, browser, url):
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
        self.page.goto(url, wait_until="load")
        self.page.evaluate("""async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
        }""")
        self.page.wait_for_timeout(300)

    def fail(self, name, messages):
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / (name.replace("/", "__") + ".png")
        self.page.screenshot(path=str(shot), full_page=True)
        pytest.fail("\n".join(messages) + f"\n(screenshot: {shot})")

    def close(self):
        self.ctx.close()


def test_page(browser, server, page):
    p = _Page(browser, server + page)
    try:
        problems = list(p.problems)
        problems += [f"request leaving 127.0.0.1: {u}" for u in p.external]
        counts = p.page.evaluate("""() => {
            const maths = [...document.querySelectorAll('.math')];
            const untypeset = maths.filter(m => !m.querySelector('mjx-container'));
            const views = document.querySelectorAll(
                'script[type="application/vnd.jupyter.widget-view+json"]').length;
            const rendered = document.querySelectorAll('.jupyter-widgets.widget-container, '
                + '.jupyter-widgets.widget-inline-hbox, .jupyter-widgets.widget-box, '
                + '.widget-subarea > .jupyter-widgets').length;
            const noAlt = [...document.querySelectorAll('img')]
                .filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src);
            return {maths: maths.length, untypeset: untypeset.length, views, rendered, noAlt};
        }""")
        if counts["untypeset"]:
            problems.append(f"{counts['untypeset']} of {counts['maths']} maths nodes not typeset")
        if counts["views"] and counts["rendered"] < counts["views"]:
            problems.append(f"{counts['views']} widget views, {counts['rendered']} rendered")
        problems += [f"image without alt text: {src}" for src in counts["noAlt"]]
        if AXE.is_file():
            p.page.add_script_tag(path=str(AXE))
            violations = p.page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                    .map(v => `${v.impact}: ${v.id} (${v.nodes.length} nodes): `
                              + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
            }""")
            problems += [f"accessibility {v}" for v in violations]
        else:
            problems.append(f"axe-core not found at {AXE}: run tools/fetch_assets.py")
        if problems:
            p.fail(page, problems)
    finally:
        p.close()


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and tag in ("a", "img", "script", "link"):
                self.hrefs.append(a[key])


def test_internal_links_and_anchors_resolve(pytestconfig):
    folder = site_dir(pytestconfig)
    if not folder.is_dir():
        pytest.skip("no built site")
    parsed = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            links = _Links()
            links.feed(path.read_text(encoding="utf-8", errors="replace"))
            parsed[path] = links
        return parsed[path]

    broken = []
    for rel in html_pages(folder):
        page = folder / rel
        for href in parse(page).hrefs:
            if urlparse(href).scheme or href.startswith(("mailto:", "//", "javascript:")):
                continue
            target, anchor = urldefrag(href)
            target_path = (page.parent / unquote(target.split("?")[0])).resolve() if target \
                else page
            if target_path.is_dir():
                target_path = target_path / "index.html"
            if not target_path.exists():
                broken.append(f"{rel}: {href} (no such file)")
            elif anchor and target_path.suffix == ".html" and \
                    unquote(anchor) not in parse(target_path).ids:
                broken.append(f"{rel}: {href} (no such anchor)")
    assert not broken, "\n".join(broken[:50])


def _frame_src(pg):
    return pg.evaluate("() => { const i = document.querySelector('.animation img');"
                       " return i ? i.src : null; }")


@pytest.mark.parametrize("slider_page", ["book/tum_ws11/kmeans_limit.html",
                                  "book/cs181_latent/fair_clustering.html"])
def test_static_slider_changes_frame(browser, server, slider_page, pytestconfig):
    if not (site_dir(pytestconfig) / slider_page).is_file():
        pytest.skip(f"{slider_page} is not built")
    p = _Page(browser, server + slider_page)
    try:
        slider = p.page.locator(".animation input[type=range]").first
        slider.scroll_into_view_if_needed()
        before = _frame_src(p.page)
        maximum = slider.get_attribute("max")
        slider.evaluate("(s, v) => { s.value = v; s.dispatchEvent(new Event('input')); "
                        "s.dispatchEvent(new Event('change')); }", maximum)
        p.page.wait_for_timeout(200)
        after = _frame_src(p.page)
        assert before and after and before != after, "the frame did not change"
    finally:
        p.close()


def test_solution_dropdown_opens(browser, server):
    p = _Page(browser, server + "book/tum_ws11/two_coins.html")
    try:
        sol = p.page.locator(".solution.dropdown").first
        body = sol.locator("section, .solution-content, p").last
        sol.scroll_into_view_if_needed()
        assert not body.is_visible(), "the solution is visible before it is opened"
        sol.locator(".toggle-button, .admonition-title").first.click()
        p.page.wait_for_timeout(300)
        assert body.is_visible(), "the solution did not become visible"
    finally:
        p.close()
