"""Every page of the built site, opened in headless Chromium.

``test_page`` fails on a console error, a page error, a failed request, a response >= 400, any
request leaving 127.0.0.1, maths not typeset by MathJax, a saved widget view not rendered, an
image without alt text, or a serious or critical accessibility violation (axe-core). The other
tests work the interactive parts: the widget slider of the PCA chapter, the frame sliders of the
static animations, a solution dropdown, the search page and the redirect of ``index.html``; one
reads the API reference for an entry per public name.
Whatever fails, every page the test opened is saved as a screenshot in
``_build/browser-failures/`` (see ``conftest.py``).
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from .conftest import PAGES_WITH, ROOT, html_pages, pages_with, redirect_target, site_dir

AXE = ROOT / "_offline" / "test" / "axe.min.js"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PCA_PAGE = "book/cs181_latent/pca_mnist.html"
API_PAGE = "book/api.html"
# the Gamma-mixture functions that keep the homework skeleton's names (not exported by mlhw)
SKELETON = ("mlhw.gamma_mixture.e_step", "mlhw.gamma_mixture.m_step", "mlhw.gamma_mixture.run_em")

# For each saved widget view: has the widget manager rendered it? It puts a div.widget-subarea
# holding the view's element right before the view's <script>.
_VIEWS_JS = """() => [...document.querySelectorAll('script[type="%s"]')].map(s => {
    const sub = s.previousElementSibling;
    return !!(sub && sub.classList.contains('widget-subarea')
              && sub.querySelector('.jupyter-widgets'));
})""" % WIDGET_VIEW


def _wait_for_views(pg, timeout=20_000):
    """Wait until every saved widget view is rendered (or the timeout passes); the verdicts."""
    if pg.evaluate(_VIEWS_JS):
        try:
            pg.wait_for_function(f"() => ({_VIEWS_JS})().every(Boolean)", timeout=timeout)
        except Exception:  # noqa: BLE001 - reported by the caller from the verdicts below
            pass
    return pg.evaluate(_VIEWS_JS)


def test_page(open_page, page):
    p = open_page(page)
    problems = []
    rendered = _wait_for_views(p.page)
    if not all(rendered):
        problems.append(f"{len(rendered)} widget views, {sum(rendered)} rendered")
    counts = p.page.evaluate("""() => {
        const maths = [...document.querySelectorAll('.math')];
        const untypeset = maths.filter(m => !m.querySelector('mjx-container'));
        // MathJax typesets a TeX error too (an error box, mjx-merror with data-mjx-error, in an
        // mjx-container), and an undefined macro as its name in red text (the noundefined
        // extension): each such expression is reported with its TeX source
        const bad = 'mjx-merror, [data-mjx-error], mjx-container mtext[mathcolor="red"]';
        const errors = [], seen = new Set();
        const items = (window.MathJax && MathJax.startup && MathJax.startup.document
                       && MathJax.startup.document.math) ? [...MathJax.startup.document.math] : [];
        for (const item of items) {
            const root = item.typesetRoot;
            const hit = root && (root.matches(bad) ? root : root.querySelector(bad));
            if (!hit) continue;
            hit.closest('mjx-container') && seen.add(hit.closest('mjx-container'));
            const why = hit.getAttribute('data-mjx-error') || hit.textContent || '';
            errors.push(`${why.slice(0, 120)} in TeX source ${JSON.stringify(item.math)}`);
        }
        for (const hit of document.querySelectorAll(bad)) {   // not in MathJax's list
            const box = hit.closest('mjx-container');
            if (box && seen.has(box)) continue;
            box && seen.add(box);
            const why = hit.getAttribute('data-mjx-error') || hit.textContent || '';
            errors.push(`${why.slice(0, 120)} (TeX source unknown)`);
        }
        const noAlt = [...document.querySelectorAll('img')]
            .filter(i => !(i.getAttribute('alt') || '').trim()).map(i => i.src.slice(0, 120));
        return {maths: maths.length, untypeset: untypeset.length, errors, noAlt};
    }""")
    if counts["untypeset"]:
        problems.append(f"{page}: {counts['untypeset']} of {counts['maths']} maths nodes not "
                        "typeset")
    problems += [f"{page}: TeX error in the maths: {e}" for e in counts["errors"]]
    problems += [f"image without alt text: {src}" for src in counts["noAlt"]]
    problems += _reader_rules(p.page, page)
    # what the page did by itself, before axe is injected (axe's own work is not the site's)
    problems = p.problems + [f"request leaving 127.0.0.1: {u}" for u in p.external] + problems
    if AXE.is_file():
        p.page.add_script_tag(path=str(AXE))
        # preload: false - axe would otherwise fetch every stylesheet again, resolving their
        # @import rules against the page rather than the stylesheet (spurious 404s)
        violations = p.page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
            return r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
                .map(v => `${v.impact}: ${v.id} (${v.nodes.length} nodes): `
                          + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }""")
        problems += [f"accessibility {v}" for v in violations]
    else:
        problems.append(f"axe-core not found at {AXE}: run tools/fetch_assets.py")
    if problems:
        pytest.fail("\n".join(problems))


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
    for rel in html_pages(folder, redirects=True):
        page = folder / rel
        stub_target = redirect_target(page)
        hrefs = [stub_target] if stub_target is not None else parse(page).hrefs
        for href in hrefs:
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


def test_api_page_has_an_entry_for_every_public_name(pytestconfig):
    """The API reference anchors an entry at ``mlhw.<name>`` for every name in ``mlhw.__all__``
    and for each homework skeleton function."""
    import mlhw

    page = site_dir(pytestconfig) / API_PAGE
    if not page.is_file():
        pytest.fail(f"{API_PAGE} is not built")
    links = _Links()
    links.feed(page.read_text(encoding="utf-8"))
    missing = sorted({f"mlhw.{name}" for name in mlhw.__all__}.union(SKELETON) - links.ids)
    assert not missing, f"{API_PAGE} has no entry for {', '.join(missing)}"


def test_some_pages_have_widget_views(pytestconfig):
    """The widget checks above must have something to check: at least one page, and the PCA
    chapter in particular, carries saved widget views (with the widget state they need)."""
    folder = site_dir(pytestconfig)
    if not folder.is_dir():
        pytest.skip("no built site")
    with_views = [rel for rel in html_pages(folder)
                  if WIDGET_VIEW in (folder / rel).read_text(encoding="utf-8", errors="replace")]
    assert with_views, "no page of the site contains a widget view: the widget checks are vacuous"
    assert PCA_PAGE in with_views, f"{PCA_PAGE} has no widget view (pages with: {with_views})"
    text = (folder / PCA_PAGE).read_text(encoding="utf-8")
    assert "application/vnd.jupyter.widget-state+json" in text, f"{PCA_PAGE}: no widget state"


def _pca_widget(pg):
    """(slider readout, alt texts of the images the PCA chapter's stack displays)."""
    return pg.evaluate("""() => {
        const sub = document.querySelector('.widget-subarea');
        const readout = sub.querySelector('.widget-readout');
        const imgs = [...sub.querySelectorAll('img')].filter(i => i.offsetParent !== null);
        return [readout ? readout.textContent.trim() : null, imgs.map(i => i.alt)];
    }""")


def test_pca_widget_slider_switches_the_displayed_image(open_page, pytestconfig):
    if not (site_dir(pytestconfig) / PCA_PAGE).is_file():
        pytest.fail(f"{PCA_PAGE} is not built")
    p = open_page(PCA_PAGE)
    rendered = _wait_for_views(p.page)
    if not p.page.locator(".widget-subarea .noUi-handle").first.is_visible():
        p.page.locator("button.mlhw-open-all").click()          # the widget is in a solution
        p.page.wait_for_timeout(300)
    assert rendered and all(rendered), f"widget views rendered: {rendered}"
    readout, alts = _pca_widget(p.page)
    assert readout == "10" and len(alts) == 1 and "plus 10 principal components" in alts[0], \
        (readout, alts)
    handle = p.page.locator(".widget-subarea .noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    p.page.keyboard.press("End")                      # keyboard: to the last position
    p.page.wait_for_timeout(300)
    readout, alts = _pca_widget(p.page)
    assert readout == "500" and len(alts) == 1 and "plus 500 principal components" in alts[0], \
        f"after End: {readout!r}, {alts}"
    p.page.keyboard.press("ArrowLeft")
    p.page.wait_for_timeout(300)
    readout, alts = _pca_widget(p.page)
    assert readout == "200" and "plus 200 principal components" in alts[0], \
        f"after ArrowLeft: {readout!r}, {alts}"
    track = p.page.locator(".widget-subarea .noUi-target").first   # mouse: click near the start
    box = track.bounding_box()
    p.page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)
    p.page.wait_for_timeout(300)
    readout, alts = _pca_widget(p.page)
    assert readout == "1" and "plus 1 principal component:" in alts[0], \
        f"after a click at the start of the track: {readout!r}, {alts}"
    assert not p.problems, "\n".join(p.problems)


def _frame(pg):
    """(slider value, slider max, src of the displayed frame) of the page's first animation."""
    return pg.evaluate("""() => {
        const a = document.querySelector('.animation');
        const s = a && a.querySelector('input[type=range]'), i = a && a.querySelector('img');
        return [s ? s.value : null, s ? s.max : null, i ? i.src : null];
    }""")


@pytest.mark.parametrize("slider_page", ["book/tum_ws11/kmeans_limit.html",
                                         "book/cs181_latent/fair_clustering.html"])
def test_static_slider_changes_frame(open_page, slider_page, pytestconfig):
    """The frame slider of a static (JavaScript) animation, driven with the keyboard as a reader
    would: End shows the last frame, ArrowLeft the one before, Home the first one again."""
    if not (site_dir(pytestconfig) / slider_page).is_file():
        pytest.fail(f"{slider_page} is not built")
    p = open_page(slider_page)
    slider = p.page.locator(".animation input[type=range]").first
    slider.scroll_into_view_if_needed()
    value, maximum, first = _frame(p.page)
    assert value == "0" and first, f"at the start: value {value!r}, frame {(first or '')[:40]!r}"
    last = int(maximum)
    assert last >= 2, f"the slider has {last + 1} frames"
    slider.focus()
    steps = [("End", last, "a new frame"), ("ArrowLeft", last - 1, "a new frame"),
             ("Home", 0, "the first frame")]
    seen = [first]
    for key, want, what in steps:                      # keyboard, as a reader would
        p.page.keyboard.press(key)
        p.page.wait_for_timeout(200)
        value, _, src = _frame(p.page)
        ok = src == first if want == 0 else src not in seen
        assert value == str(want) and ok, \
            f"after {key}: slider value {value!r} (want {want} of 0..{last}); {what}: {ok}"
        seen.append(src)
    assert not p.problems, "\n".join(p.problems)


def test_solution_dropdown_opens(open_page, pytestconfig):
    page = "book/tum_ws11/two_coins.html"
    if not (site_dir(pytestconfig) / page).is_file():
        pytest.fail(f"{page} is not built")
    p = open_page(page)
    sol = p.page.locator(".solution.dropdown").first
    body = sol.locator("section, .solution-content, p").last
    sol.scroll_into_view_if_needed()
    assert not body.is_visible(), "the solution is visible before it is opened"
    sol.locator(".toggle-button, .admonition-title").first.click()
    p.page.wait_for_timeout(300)
    assert body.is_visible(), "the solution did not become visible"
    assert not p.problems, "\n".join(p.problems)


def test_search_finds_a_chapter(open_page):
    p = open_page("search.html?q=responsibilities")
    p.page.wait_for_selector("#search-results ul.search li a", timeout=20_000)
    hits = p.page.locator("#search-results ul.search li a").evaluate_all(
        "as => as.map(a => a.getAttribute('href'))")
    assert any(h.startswith("book/") for h in hits), hits
    assert not p.problems, "\n".join(p.problems)


def test_index_redirects_to_the_first_page(open_page, pytestconfig):
    if redirect_target(site_dir(pytestconfig) / "index.html") is None:
        pytest.skip("index.html is a page of its own, tested by test_page")
    p = open_page("index.html", settle=False)
    p.page.wait_for_url("**/book/intro.html", timeout=10_000)
    p.page.wait_for_load_state("load")
    assert not p.problems, "\n".join(p.problems)


# --- What a reader sees before opening anything -------------------------------------------------

# the book's own labels (exercises, solutions, targets): one shown as text is an unresolved reference
def _book_labels():
    import re

    found = set()
    for path in (ROOT / "book").rglob("*.*"):
        if path.suffix in (".ipynb", ".md"):
            text = path.read_text(encoding="utf-8")
            found.update(re.findall(r":label: *([A-Za-z0-9_-]+)", text))
            found.update(re.findall(r"\(([A-Za-z0-9_-]+)\)=", text))
    return sorted(label for label in found if "-" in label)


LABELS = _book_labels()
MACHINE_PATHS = ["/tmp/", "ipykernel_", "site-packages", "/home/", "/root/", str(ROOT) + "/"]

# Every text node of the page with: is it rendered now, is it maths/code, its text, is it in a
# cell tagged solution, is it in a cell's output. Maths is typeset by then; a closed <details> or
# a hidden dropdown renders nothing (checkVisibility).
_TEXTS_JS = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const skip = 'script, style, noscript, template';
    const code = 'mjx-container, .math, pre, code, .highlight, textarea, .MathJax';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest(skip) || !n.textContent.trim()) continue;
        out.push([el.checkVisibility({visibilityProperty: true, opacityProperty: true}),
                  !!el.closest(code), n.textContent,
                  !!el.closest('.tag_solution'), !!el.closest('.cell_output')]);
    }
    return out;
}"""
_RAW_TEX = __import__("re").compile(r"\\[A-Za-z]{2,}|\$\$|\\\(|\\\[")


def _reader_rules(pg, page):
    """The rules every page keeps before a reader opens anything: no raw TeX in visible text, no
    unresolved label shown as text, no machine path in any output, no check verdict in a cell's
    output and no code cell tagged ``solution`` visible (every chapter keeps its answers in gated
    solutions)."""
    import re

    problems = []
    texts = pg.evaluate(_TEXTS_JS)
    visible_prose = " ".join(t for vis, code, t, *_ in texts if vis and not code)
    everything = " ".join(t for _, _, t, *_ in texts)
    for m in list(_RAW_TEX.finditer(visible_prose))[:5]:
        around = visible_prose[max(0, m.start() - 40):m.end() + 40]
        problems.append(f"raw TeX in visible text: ...{around}...")
    for label in LABELS:
        if re.search(rf"(?<![\w/#.-]){re.escape(label)}(?![\w-])", everything):
            problems.append(f"unresolved label shown as text: {label}")
    for path in MACHINE_PATHS:
        if path in everything:
            i = everything.index(path)
            problems.append(f"machine path in the page: ...{everything[max(0, i - 60):i + 60]}...")
    # a verdict is a cell's output (the API page's examples of check show one as documentation)
    shown = [t for vis, _, t, _, output in texts if vis and output and "Check passed" in t]
    problems += [f"check verdict visible before it is expanded: {t.strip()[:100]}" for t in shown[:5]]
    sol = [t for vis, _, t, tagged, _ in texts if vis and tagged]
    if sol:
        problems.append(f"{len(sol)} text nodes of code cells tagged 'solution' visible, e.g. "
                        f"{sol[0].strip()[:80]!r}")
    return problems


def test_every_chapter_has_self_checks(pytestconfig):
    """The self-check tests below must have something to drive: every chapter page has a box."""
    chapters = [p for p in html_pages(site_dir(pytestconfig))
                if p.count("/") == 2 and not p.endswith("/index.html")]      # book/<hw>/<problem>
    with_boxes = pages_with(site_dir(pytestconfig), PAGES_WITH["quiz_page"])
    assert len(chapters) >= 19 and sorted(set(chapters) - set(with_boxes)) == []


def test_self_checks_accept_the_computed_answer_and_refuse_a_wrong_one(open_page, quiz_page,
                                                                       pytestconfig):
    """Each self-check box, as a reader uses it: type the accepted number (the middle of its
    interval, read from the input's data-answers) and press Enter: "Correct."; type a number
    outside the interval: "Incorrect, try again.". A multiple-choice box: click the right
    choice, then a wrong one."""
    import json

    p = open_page(quiz_page)
    n_boxes = (site_dir(pytestconfig) / quiz_page).read_text(encoding="utf-8").count("data-shufflequestions")
    p.page.wait_for_function(f"document.querySelectorAll('.Quiz').length >= {n_boxes}", timeout=20_000)
    inputs = p.page.locator(".Quiz input.Input-text")
    failures = []
    for i in range(inputs.count()):
        box = inputs.nth(i)
        answers = json.loads(box.get_attribute("data-answers"))
        lo, hi = next(a["range"] for a in answers if a.get("correct"))
        fb = p.page.locator("#fb" + box.get_attribute("id").split("-")[0])
        for typed, want in ((f"{(lo + hi) / 2:.12g}", "Correct."),
                            (f"{hi + 10 * (hi - lo) + 1:.12g}", "Incorrect, try again.")):
            box.scroll_into_view_if_needed()
            box.click()
            box.press_sequentially(typed)
            box.press("Enter")
            got = fb.inner_text().strip()
            if got != want:
                failures.append(f"box {i + 1}: typed {typed} (accepted [{lo}, {hi})): {got!r}, want {want!r}")
    choices = p.page.locator(".Quiz .MCButton[data-correct]")
    for quiz in range(p.page.locator(".Quiz").count()):
        buttons = p.page.locator(".Quiz").nth(quiz).locator(".MCButton[data-correct]")
        if not buttons.count():
            continue
        fb = p.page.locator(".Quiz").nth(quiz).locator(".Feedback")
        right = buttons.and_(p.page.locator('[data-correct="true"]')).first
        wrong = buttons.and_(p.page.locator('[data-correct="false"]')).first
        for button, want in ((right, "Correct."), (wrong, "Incorrect, try again.")):
            button.scroll_into_view_if_needed()
            button.click()
            if fb.inner_text().strip() != want:
                failures.append(f"choice box {quiz + 1}: {fb.inner_text().strip()!r}, want {want!r}")
    assert inputs.count() + choices.count() >= n_boxes, "a self-check box did not render"
    assert not failures, "\n".join(failures)
    assert not p.problems, "\n".join(p.problems)


def test_open_all_control_opens_every_solution(open_page, solution_page):
    p = open_page(solution_page)
    button = p.page.locator("button.mlhw-open-all")
    assert button.count() == 1, "no control to open all solutions"
    sols = p.page.locator(".solution.dropdown")
    n = sols.count()
    hidden = p.page.locator(".solution.dropdown.toggle-hidden")
    assert hidden.count() == n, f"{n - hidden.count()} of {n} solutions open before any click"
    assert button.inner_text().strip() == "Open all solutions"
    button.click()
    p.page.wait_for_timeout(300)
    assert hidden.count() == 0, f"{hidden.count()} of {n} solutions still closed"
    content = p.page.locator(".solution.dropdown > section, .solution.dropdown > .solution-content")
    assert all(content.nth(i).is_visible() for i in range(content.count()))
    assert button.inner_text().strip() == "Close all solutions"
    button.click()
    p.page.wait_for_timeout(300)
    assert hidden.count() == n, "the control did not close the solutions again"
    assert not p.problems, "\n".join(p.problems)


def test_errata_link_opens_the_solution_that_holds_the_erratum(open_page, pytestconfig):
    """An erratum sits in the solution it concerns; the errata page's link back to it must show
    it, so the chapter page opens that solution."""
    if not (site_dir(pytestconfig) / "book/errata.html").is_file():
        pytest.fail("book/errata.html is not built")
    p = open_page("book/errata.html")
    links = p.page.locator("a:has-text('Read it in its chapter.')")
    assert links.count() >= 30, f"{links.count()} errata links"
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    in_solutions = []
    for href in hrefs:
        anchor = href.split("#")[1]
        q = open_page("book/" + href)
        if q.page.evaluate(f"!!document.getElementById({anchor!r}).closest('.solution')"):
            in_solutions.append(anchor)
            shown = f"document.getElementById({anchor!r}).checkVisibility({{visibilityProperty: true}})"
            try:
                q.page.wait_for_function(shown, timeout=5_000)
            except Exception:  # noqa: BLE001 - reported just below
                pass
            assert q.page.evaluate(shown), f"{href}: the erratum is still hidden in its closed solution"
            assert not q.problems, "\n".join(q.problems)
        if len(in_solutions) == 3:
            break
    assert in_solutions, "no erratum sits in a solution"
