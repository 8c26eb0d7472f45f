"""Build the student edition: the same book with every solution removed.

``make student`` runs this script. From the same sources as the full book it

1. takes every chapter notebook executed in full (so that figures and results that do not belong
   to a solution are shown as in the full book): the copy the book build left in
   ``_build/jupyter_execute`` when it is newer than the source, else it executes the notebook,
2. removes the solutions: every gated solution (``{solution-start}`` to ``{solution-end}``, with
   the code cells between) is deleted, and a cell tagged ``skeleton`` (the homework's code
   skeleton, hidden in the full book) is shown; with ``--no-self-checks``
   (``make student SELF_CHECKS=off``) the self-check boxes go too,
3. writes the stripped, executed notebooks into ``_build/student_src`` and builds them with
   Jupyter Book, without executing them again, into ``_build/student/_build/html``, with the
   Binder launch buttons and the repository button turned off (both lead to the full notebooks,
   solutions included), and
4. writes the stripped chapter notebooks (one per homework problem; not the back matter) without
   outputs into ``_build/student/notebooks``, with the files beside them that they read.

Since the student edition executes nothing, myst-nb's ``{nb-exec-table}`` (the execution time of
each chapter, on the "Tested with" page) would come out empty: it is replaced by a static copy of
the table the full build rendered into ``_build/html`` (``exec_table_markdown``), or, when there is
no full build to copy it from, by a sentence pointing to the full book's page.

``tests/student/`` checks the result: ``make test`` builds the student edition after the book.

``strip_notebook`` is the single transformation; ``tests/test_student_edition.py`` checks that it
leaves no solution text and changes nothing else.
"""

from __future__ import annotations

import copy
import html.parser
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "_build" / "student_src"
OUT = ROOT / "_build" / "student"
FULL_SITE = ROOT / "_build" / "html"

_GATE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-(?P<side>start|end)\}[^\n]*\n"
                   r"(?:.*?\n)??(?P=fence)[ \t]*$", re.M | re.S)
_SELF_CHECK = re.compile(r"\bself_check(_choice)?\(")


def is_self_check_cell(cell) -> bool:
    return cell.get("cell_type") == "code" and bool(_SELF_CHECK.search(_source(cell)))


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _drop_gated(cells: list) -> list:
    """The cells without the gated solutions: everything from a ``{solution-start}`` fence to the
    end of its ``{solution-end}`` fence, across cells (Markdown text before the start and after
    the end stays)."""
    out, inside = [], False
    for cell in cells:
        src, kept, pos = _source(cell), [], 0
        if cell["cell_type"] != "markdown":
            if not inside:
                out.append(cell)
            continue
        for m in _GATE.finditer(src):
            if m.group("side") == "start" and not inside:
                kept.append(src[pos:m.start()])
                inside = True
            elif m.group("side") == "end" and inside:
                pos, inside = m.end(), False
        if not inside:
            kept.append(src[pos:])
        if kept:
            cell["source"] = "".join(kept)
            out.append(cell)
    if inside:
        raise ValueError("a {solution-start} has no {solution-end}")
    return out


def strip_notebook(nb: dict, *, self_checks: bool = True) -> dict:
    """Return a copy of the notebook (nbformat JSON dict) with its solutions removed.

    Gated solutions (``{solution-start}`` ... ``{solution-end}``, code cells included) go; a
    cell tagged ``skeleton`` (the homework's code skeleton, hidden in the full book) is shown.
    With ``self_checks=False`` the self-check cells go too (an edition for graded work). Every
    chapter keeps its answers in gated solutions (``tests/test_chapters.py``).
    """
    nb = copy.deepcopy(nb)
    nb["cells"] = _drop_gated(nb["cells"])
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            cell["source"] = re.sub(r"\n{3,}", "\n\n", _source(cell))
        elif "skeleton" in tags:
            cell["metadata"]["tags"] = [t for t in tags if t not in ("remove-cell", "skeleton")]
    nb["cells"] = [c for c in nb["cells"] if (c["cell_type"] != "markdown" or c["source"].strip())
                   and (self_checks or not is_self_check_cell(c))]
    return nb


EXEC_TABLE_HEADER = ["Document", "Modified", "Method", "Run Time (s)", "Status"]
_EXEC_TABLE = re.compile(r"^(?P<fence>`{3,}|:{3,})\{nb-exec-table\}[^\n]*\n(?:.*?\n)??(?P=fence)[ \t]*$",
                         re.M | re.S)


class _Tables(html.parser.HTMLParser):
    """Every table of an HTML page as rows of cell texts (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def exec_table_rows(page: Path) -> list[list[str]]:
    """The rows of the execution-statistics table in a page of the full site (without its header),
    or [] when the page has no such table, or an empty one."""
    if not page.is_file():
        return []
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    for table in parser.tables:
        if table and table[0] == EXEC_TABLE_HEADER:
            return [row for row in table[1:] if len(row) == len(EXEC_TABLE_HEADER)]
    return []


def exec_table_markdown(rel: Path, full_site: Path = FULL_SITE) -> str:
    """MyST text that stands in for the ``{nb-exec-table}`` of the page ``rel`` (its path in the
    book, ``book/tested_with.ipynb``, say): the full build's table, or a pointer to the full book."""
    rows = exec_table_rows((full_site / rel).with_suffix(".html"))
    if not rows:
        return ("The student edition executes no notebook: the execution time of each chapter is on\n"
                "this page of the full book (built with `make book`).\n")
    lines = ["The student edition executes no notebook: this is the table of the full book's build,",
             "whose outputs this page shows.", "",
             "| " + " | ".join(EXEC_TABLE_HEADER) + " |", "|" + " --- |" * len(EXEC_TABLE_HEADER)]
    for doc, *rest in rows:
        cells = [f"{{doc}}`{doc} </{doc}>`"] + [c.replace("|", "\\|") for c in rest]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def replace_exec_table(nb: dict, replacement: str) -> dict:
    """The notebook with every ``{nb-exec-table}`` directive of its Markdown cells replaced."""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = _EXEC_TABLE.sub(lambda _: replacement.rstrip("\n"), src)
    return nb


def student_config(config: dict) -> dict:
    """The book's ``_config.yml`` (as a dict) for the student edition: its own title, no
    execution, and no button that leads to the full notebooks (Binder, repository, edit)."""
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} (student edition)"
    config["execute"]["execute_notebooks"] = "off"
    config.pop("launch_buttons", None)
    html = config.setdefault("html", {})
    for button in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        html[button] = False
    return config


def _executed(path: Path) -> dict:
    """The notebook executed in full: the book build's copy if it is current, else run it."""
    import nbformat

    built = ROOT / "_build" / "jupyter_execute" / path.relative_to(ROOT)
    if built.is_file() and built.stat().st_mtime >= path.stat().st_mtime:
        return nbformat.read(built, as_version=4)
    return _execute(path)


def _execute(path: Path) -> dict:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nbformat.from_dict(nb)


def main(argv: list[str] | None = None) -> int:
    import argparse

    import nbformat
    import yaml

    parser = argparse.ArgumentParser(description="Build the student edition.")
    parser.add_argument("--no-self-checks", action="store_true",
                        help="leave the self-check boxes out (for homework that is graded)")
    self_checks = not parser.parse_args(argv).no_self_checks

    if SRC.exists():
        shutil.rmtree(SRC)
    SRC.mkdir(parents=True)
    for name in ("_toc.yml", "references.bib"):
        shutil.copy(ROOT / name, SRC / name)
    shutil.copytree(ROOT / "_ext", SRC / "_ext")
    (SRC / "mlhw").symlink_to(ROOT / "mlhw")  # the chapters show package source with literalinclude
    shutil.copy(ROOT / "pyproject.toml", SRC / "pyproject.toml")
    config = student_config(yaml.safe_load((ROOT / "_config.yml").read_text()))
    config["sphinx"]["config"]["html_static_path"] = [str(ROOT / "_offline" / "site")]
    (SRC / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    hand_out = OUT / "notebooks"
    if hand_out.exists():
        shutil.rmtree(hand_out)
    for path in sorted((ROOT / "book").rglob("*")):
        rel = path.relative_to(ROOT)
        if path.is_dir() or ".ipynb_checkpoints" in rel.parts:
            continue
        target = SRC / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        chapter = len(rel.parts) > 2      # book/<homework>/<problem>: a homework chapter
        if path.suffix != ".ipynb":
            shutil.copy(path, target)
            if chapter and path.suffix in (".md", ".csv", ".txt", ".json"):  # what it may read
                (hand_out / rel.relative_to("book")).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, hand_out / rel.relative_to("book"))
            continue
        print(f"student edition: stripping {rel}", flush=True)
        executed = strip_notebook(_executed(path), self_checks=self_checks)
        if any(_EXEC_TABLE.search("".join(c["source"])) for c in executed["cells"]
               if c["cell_type"] == "markdown"):
            table = exec_table_markdown(rel)
            n = table.count("\n| {doc}")
            print(f"student edition: {rel}: " + (f"the full build's execution table ({n} notebooks)"
                  if n else f"no execution table in {FULL_SITE} to copy, a pointer instead"),
                  flush=True)
            executed = replace_exec_table(executed, table)
        nbformat.write(nbformat.from_dict(executed), target)
        if not chapter:                   # the back matter is no homework to hand out
            continue
        clean = strip_notebook(nbformat.read(path, as_version=4), self_checks=self_checks)
        (hand_out / rel.relative_to("book")).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.from_dict(clean), hand_out / rel.relative_to("book"))
    subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(SRC),  # noqa: S603
                    "--path-output", str(OUT), "-W", "--keep-going"], check=True)
    print(f"Student edition: site in {OUT / '_build' / 'html'}, notebooks in {hand_out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
