"""The try-first form of the chapters, read from their sources.

Every chapter is in this form: it asks every question as an exercise followed by
its gated solution, keeps no code cell tagged ``solution`` (gated solutions hold their code
cells), hides the code of its self-check and check cells, and words its errata so that they
read on their own on the errata page (no "above" or "below").
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
CONVERTED = [p for p in NOTEBOOKS if "{solution-start}" in p.read_text(encoding="utf-8")]


def _cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [(c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", [])) for c in cells]


def test_every_chapter_is_in_the_try_first_form():
    chapters = [p for p in NOTEBOOKS if p.parent != ROOT / "book"]   # book/<homework>/<problem>
    assert len(chapters) >= 19 and [p for p in chapters if p not in CONVERTED] == []


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.relative_to(ROOT / "book").as_posix())
def test_every_exercise_has_a_gated_solution(path):
    text = "\n".join(src for kind, src, _ in _cells(path) if kind == "markdown")
    exercises = re.findall(r"```\{exercise\}[^\n]*\n:label: *(\S+)", text)
    starts = re.findall(r"```\{solution-start\} *(\S+)", text)
    assert exercises and exercises == starts, (exercises, starts)
    assert text.count("{solution-start}") == text.count("{solution-end}")
    assert "```{solution}" not in text, "a plain {solution} cannot hold code cells: use the gated form"


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.relative_to(ROOT / "book").as_posix())
def test_checks_and_self_checks_hide_their_code(path):
    for kind, src, tags in _cells(path):
        if kind != "code":
            continue
        assert "solution" not in tags, f"code cell tagged 'solution': {src[:60]!r}"
        if re.search(r"\bmlhw\.self_check", src):
            assert "remove-input" in tags, f"self-check cell shows its code: {src[:60]!r}"


@pytest.mark.parametrize("path", CONVERTED, ids=lambda p: p.relative_to(ROOT / "book").as_posix())
def test_errata_read_on_their_own(path):
    text = "\n".join(src for kind, src, _ in _cells(path) if kind == "markdown")
    for body in re.findall(r"```\{erratum\}.*?\n```", text, re.S):
        assert not re.search(r"\b(above|below)\b", body), \
            f"an erratum points 'above' or 'below', which the errata page does not have: {body[:80]!r}"
