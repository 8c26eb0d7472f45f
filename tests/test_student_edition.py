"""The student edition removes every solution and changes nothing else."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("student_edition", ROOT / "tools" / "student_edition.py")
student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student)

NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def _src(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _gated(cells):
    """(text lines, code sources) inside gated solutions, by an independent line scan."""
    lines, codes, inside = [], [], False
    for cell in cells:
        if cell["cell_type"] == "code":
            if inside:
                codes.append(_src(cell))
            continue
        for line in _src(cell).splitlines():
            if "{solution-start}" in line:
                inside = True
            elif "{solution-end}" in line:
                inside = False
            elif inside:
                lines.append(line)
    return lines, codes


def test_gated_solutions_go_with_their_code_cells():
    nb = {"cells": [
        {"cell_type": "markdown", "metadata": {},
         "source": "Ask\n```{solution-start} q\n:class: dropdown\n```\nSecret one"},
        {"cell_type": "code", "metadata": {}, "source": "secret = 1", "outputs": []},
        {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "source": "mlhw.self_check('x', 1)",
         "outputs": []},
        {"cell_type": "markdown", "metadata": {}, "source": "Secret two\n```{solution-end}\n```\nAfter"},
        {"cell_type": "code", "metadata": {"tags": ["remove-cell", "skeleton"]},
         "source": "def e_step():\n    raise NotImplementedError", "outputs": []},
        {"cell_type": "code", "metadata": {"tags": ["remove-input"]}, "source": "mlhw.self_check('y', 2)",
         "outputs": []}]}
    out = student.strip_notebook(nb)
    assert [_src(c) for c in out["cells"]] == ["Ask\n", "\nAfter", nb["cells"][4]["source"],
                                              nb["cells"][5]["source"]]
    assert out["cells"][2]["metadata"]["tags"] == []            # the skeleton is shown
    graded = student.strip_notebook(nb, self_checks=False)
    assert not any("self_check" in _src(c) for c in graded["cells"])
    with pytest.raises(ValueError):
        student.strip_notebook({"cells": nb["cells"][:2]})


def test_there_are_solutions_to_remove():
    n = sum(_src(c).count("{solution-start}") for p in NOTEBOOKS for c in json.loads(p.read_text())["cells"])
    assert n >= 100


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT / "book").as_posix())
def test_no_solution_survives_and_the_rest_is_unchanged(path):
    nb = json.loads(path.read_text())
    out = student.strip_notebook(nb)
    out_text = "\n".join(_src(c) for c in out["cells"])
    assert "{solution" not in out_text
    gated_lines, gated_code = _gated(nb["cells"])
    out_lines = set(out_text.splitlines())
    for line in gated_lines:
        if len(line.strip()) >= 25 and not line.startswith(("```", ":::")):
            assert line not in out_lines, f"solution text survived: {line!r}"
    for src in gated_code:
        assert src.strip() not in out_text, f"solution code survived: {src[:60]!r}"
    kept = [_src(c) for c in nb["cells"] if c["cell_type"] == "code" and _src(c) not in gated_code]
    assert kept == [_src(c) for c in out["cells"] if c["cell_type"] == "code"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            outside = [ln for ln in _src(cell).splitlines() if ln.strip()
                       and "{solution" not in ln and ln not in gated_lines]
            for line in outside:
                if not line.strip().startswith(("```", ":::", ":class:")):
                    assert line in out_text, f"non-solution text lost: {line!r}"
