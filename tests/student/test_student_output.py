"""What ``make student`` produced: run after it (``make test`` does), never with the unit tests.

The transformation itself is tested in ``tests/test_student_edition.py``; these tests read the
built student site and the hand-out notebooks and compare them with the full book.
"""

import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STUDENT = ROOT / "_build" / "student"
SITE = STUDENT / "_build" / "html"
FULL_SITE = ROOT / "_build" / "html"
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "tools" / "student_edition.py")
student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student)

NOTEBOOKS = sorted(p.relative_to(ROOT / "book") for p in (ROOT / "book").rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
HAND_OUTS = [rel for rel in NOTEBOOKS if len(rel.parts) > 1]   # the chapters: <homework>/<problem>
SOLUTION_BOX = re.compile(r'class="solution[ "]')


@pytest.fixture(scope="module", autouse=True)
def built():
    if not (SITE / "index.html").is_file() or not (STUDENT / "notebooks").is_dir():
        pytest.fail(f"no student edition in {STUDENT}: run 'make student' first")


def _sources(nb):
    return [("".join(c["source"]) if isinstance(c["source"], list) else c["source"]) for c in nb["cells"]]


@pytest.mark.parametrize("rel", HAND_OUTS, ids=str)
def test_hand_out_notebook_is_the_stripped_source_without_outputs(rel):
    got = json.loads((STUDENT / "notebooks" / rel).read_text())
    want = student.strip_notebook(json.loads((ROOT / "book" / rel).read_text()))
    assert _sources(got) == _sources(want)
    assert all(not c.get("outputs") for c in got["cells"] if c["cell_type"] == "code")
    assert not any("{solution" in s for s in _sources(got))


@pytest.mark.parametrize("rel", NOTEBOOKS, ids=str)
def test_student_page_has_no_solution_and_everything_else(rel):
    page = (SITE / "book" / rel).with_suffix(".html").read_text()
    full = (FULL_SITE / "book" / rel).with_suffix(".html").read_text()
    source = json.loads((ROOT / "book" / rel).read_text())
    n_solutions = sum(s.count("{solution-start}") for s in _sources(source))
    assert len(SOLUTION_BOX.findall(full)) == n_solutions   # the full page shows them all
    assert not SOLUTION_BOX.findall(page)
    assert page.count('class="exercise') == full.count('class="exercise')  # questions stay
    for cell in source["cells"]:                              # the homework's skeletons show
        if "skeleton" in cell.get("metadata", {}).get("tags", []):
            assert "NotImplementedError" in page
    # the page's downloadable notebook is stripped too
    download = json.loads((SITE / "_sources" / "book" / rel).read_text())
    assert not any("{solution" in s for s in _sources(download))


def test_no_button_leads_to_the_full_notebooks():
    pages = sorted(SITE.rglob("*.html"))
    assert len(pages) > len(NOTEBOOKS)
    import yaml

    repo = student.student_config({"title": "", "execute": {}})  # what the edition turns off
    assert "launch_buttons" not in repo
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].split("://", 1)[-1].rstrip("/")   # a fork's own URL
    binder = config["launch_buttons"]["binderhub_url"].split("://", 1)[-1].rstrip("/")
    assert url and binder
    for page in pages:
        text = page.read_text()
        assert binder not in text, page
        assert url not in text, page


def test_student_config_keeps_the_rest_of_the_book_config():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    out = student.student_config(config)
    assert out["title"].endswith("(student edition)")
    assert out["execute"]["execute_notebooks"] == "off"
    rest = {k: v for k, v in out.items() if k not in ("title", "execute", "launch_buttons", "html")}
    assert rest == {k: v for k, v in copy.deepcopy(config).items()
                    if k not in ("title", "execute", "launch_buttons", "html")}


def test_no_page_has_an_empty_table():
    """Every table of the student site has a data cell: myst-nb's ``{nb-exec-table}`` would be an
    empty table there (the edition executes nothing), so the edition puts in the full build's."""
    empty = []
    for page in sorted(SITE.rglob("*.html")):
        tables = re.findall(r"<table\b.*?</table>", page.read_text(), flags=re.S)
        empty += [f"{page.relative_to(SITE)}: table {i + 1} of {len(tables)}"
                  for i, table in enumerate(tables) if not re.search(r"<td\b", table)]
    assert not empty, "tables without a data cell:\n" + "\n".join(empty)


def test_execution_table_is_the_full_builds():
    page = SITE / "book" / "tested_with.html"
    rows = student.exec_table_rows(page)
    full = student.exec_table_rows(FULL_SITE / "book" / "tested_with.html")
    if not full:                                   # no full build to copy it from: a pointer
        assert not rows and "page of the full book" in page.read_text()
        return
    assert rows == full
    notebooks = {str(Path("book") / rel.with_suffix("")) for rel in NOTEBOOKS}
    assert {row[0] for row in rows} == notebooks, "the table does not list every notebook"
    linked = re.findall(r'<a class="[^"]*reference internal[^"]*" href="[^"]*"><span class="doc">'
                        r'(book/[^<]+)</span></a>', page.read_text())
    assert set(linked) == notebooks, "every document of the table links to its page"


@pytest.mark.parametrize("rel", HAND_OUTS, ids=str)
def test_hand_out_notebook_runs_from_top_to_bottom(rel):
    """A student opens the hand-out notebook and runs every cell: open cells never depend on a
    removed solution, and the files a chapter reads are beside it."""
    import nbformat
    from nbclient import NotebookClient

    path = STUDENT / "notebooks" / rel
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()


def test_every_chapter_and_nothing_else_is_handed_out():
    got = sorted(p.relative_to(STUDENT / "notebooks") for p in (STUDENT / "notebooks").rglob("*.ipynb"))
    assert got == HAND_OUTS and len(HAND_OUTS) >= 19
