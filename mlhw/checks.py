"""Check cells and self-checks of the book."""

from __future__ import annotations

import html
import os
from pathlib import Path

import numpy as np

from ._validation import as_array

__all__ = ["check", "check_close", "choice_question", "numeric_question", "self_check", "self_check_choice"]


def check(label: str, condition, detail: str = "") -> None:
    """Assert ``condition``; report ``Check passed: label (detail)``.

    Parameters
    ----------
    label : str
        What is checked, in words.
    condition : bool-like
        The computed claim.
    detail : str
        The numbers behind it, shown in brackets.

    Raises
    ------
    AssertionError
        If ``condition`` is false, with the label and detail.
    TypeError
        If ``label`` is not a string.

    Examples
    --------
    >>> check("the weights sum to one", abs(0.25 + 0.75 - 1) < 1e-12, "0.25 + 0.75")
    Check passed: the weights sum to one (0.25 + 0.75)
    """
    if not isinstance(label, str):
        raise TypeError(f"label: expected a string, got {type(label).__name__}")
    what = label + (f" ({detail})" if detail else "")
    if not bool(condition):
        raise AssertionError(f"Check failed: {what}")
    folder = os.environ.get("MLHW_CHECK_LOG")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        with open(Path(folder) / f"{os.getpid()}.txt", "a", encoding="utf-8") as f:
            f.write(f"Check passed: {what}".replace("\n", " ") + "\n")
    _report(f"Check passed: {what}")


# the verdicts of the cell now running: (IPython execution count, display handle, lines)
_cell: dict = {"count": None, "handle": None, "lines": []}


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "kernel") else None


def _report(line: str) -> None:
    shell = _shell()
    if shell is None:
        print(line)
        return
    from IPython.display import display

    if _cell["count"] != shell.execution_count or _cell["handle"] is None:
        _cell.update(count=shell.execution_count, lines=[], handle=None)
    _cell["lines"].append(line)
    bundle = verdict_bundle(_cell["lines"])
    if _cell["handle"] is None:
        _cell["handle"] = display(bundle, raw=True, display_id=True)
    else:
        _cell["handle"].update(bundle, raw=True)


def verdict_bundle(lines: list[str]) -> dict:
    """The output of one cell's verdicts: collapsed HTML ("✓ N checks passed") and plain text."""
    n = len(lines)
    summary = f"✓ {n} check{'s' if n != 1 else ''} passed"
    items = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
    return {"text/html": f'<details class="mlhw-checks"><summary>{summary}</summary>'
                         f'<ul>{items}</ul></details>',
            "text/plain": "\n".join(lines)}


def check_close(label: str, value, expected, *, rtol: float = 1e-7, atol: float = 0.0) -> None:
    """Assert ``value`` is close to ``expected`` (NumPy ``allclose``) and report both.

    Parameters
    ----------
    label : str
        What is checked, as in :func:`check`.
    value, expected : array_like
        The computed value and the one it must match (a scalar ``expected`` matches any shape).
    rtol, atol : float
        Relative and absolute tolerances of ``allclose``.

    Raises
    ------
    AssertionError
        If the values differ, their shapes do not match, or ``value`` is not finite.
    TypeError
        If a value is not numeric.
    ValueError
        If ``rtol`` or ``atol`` is negative or not finite.

    Examples
    --------
    >>> check_close("mean of 1 and 2", (1 + 2) / 2, 1.5)
    Check passed: mean of 1 and 2 (computed 1.5, expected 1.5)
    """
    v = as_array(value, "value", min_rows=0, finite=False)
    e = as_array(expected, "expected", min_rows=0, finite=False)
    for name, tol in (("rtol", rtol), ("atol", atol)):
        t = float(as_array(tol, name, ndim=0, finite=False))
        if not (np.isfinite(t) and t >= 0):
            raise ValueError(f"{name}: expected a finite non-negative tolerance, got {tol!r}")
    ok = (v.shape == e.shape or e.ndim == 0) and bool(np.all(np.isfinite(v)))
    ok = ok and bool(np.allclose(v, e, rtol=rtol, atol=atol))

    def fmt(a):  # ten significant digits, for scalars and arrays alike
        if a.ndim == 0:
            return f"{a.item():.10g}"
        return np.array2string(a, threshold=6, formatter={"float_kind": lambda x: f"{x:.10g}"})

    check(label, ok, f"computed {fmt(v)}, expected {fmt(e)}")


_CORRECT, _WRONG = "Correct.", "Incorrect, try again."


def self_check(question: str, answer, *, tol: float | None = None, rtol: float = 1e-3) -> None:
    """A box where the reader types a number; the page says "Correct." or "Incorrect, try again.".

    Shown in a notebook only (the book build saves it into the page); the question is
    :func:`numeric_question`.

    Parameters
    ----------
    question : str
        What to type (Markdown with ``$...$`` maths), e.g. ``"The mean, to 4 decimals"``.
    answer : float
        The computed value. Accepted: every number within ``tol`` of it.
    tol : float, optional
        Absolute half-width of the accepted interval; by default ``rtol * |answer|`` (and at least
        ``1e-12``).
    rtol : float
        Relative half-width used when ``tol`` is not given.

    Raises
    ------
    ValueError
        If ``answer`` is not a finite real number, or a tolerance is negative or not finite.

    Examples
    --------
    >>> self_check("One half, to 2 decimals", 1 / 2, tol=0.005)   # a box in a notebook only
    """
    _show(numeric_question(question, answer, tol=tol, rtol=rtol))


def numeric_question(question: str, answer, *, tol: float | None = None, rtol: float = 1e-3) -> dict:
    """The jupyterquiz question of :func:`self_check`: ``answers`` hold the accepted interval.

    Examples
    --------
    >>> numeric_question("One half", 0.5, tol=0.01)["answers"][0]["range"]
    [0.49, 0.51]
    """
    value = float(as_array(answer, "answer", ndim=0))
    half = rtol * abs(value) if tol is None else tol
    if not (np.isfinite(half) and half >= 0):
        raise ValueError(f"tol/rtol: expected a finite non-negative tolerance, got {half!r}")
    half = max(half, 1e-12)
    lo, hi = float(np.round(value - half, 12)), float(np.round(value + half, 12))
    return {"question": question, "type": "numeric",
            "answers": [{"type": "range", "range": [lo, hi], "correct": True, "feedback": _CORRECT},
                        {"type": "default", "feedback": _WRONG}]}


def self_check_choice(question: str, choices, correct) -> None:
    """A box where the reader picks one of a few choices; ``correct`` is the computed one.

    Parameters
    ----------
    question : str
        The question (Markdown with ``$...$`` maths).
    choices : sequence
        At least two distinct choices, shown as text in this order.
    correct
        The computed answer, one of ``choices``.

    Raises
    ------
    ValueError
        If ``correct`` is not among ``choices`` or the choices repeat.

    Examples
    --------
    >>> self_check_choice("Which is larger?", ["e", "pi"], "pi")   # a box in a notebook only
    """
    _show(choice_question(question, choices, correct))


def choice_question(question: str, choices, correct) -> dict:
    """The jupyterquiz question of :func:`self_check_choice`.

    Examples
    --------
    >>> q = choice_question("Which merge comes first?", ["{1, 2}", "{3, 4}"], "{3, 4}")
    >>> [a["correct"] for a in q["answers"]]
    [False, True]
    """
    choices = [str(c) for c in choices]
    if len(set(choices)) != len(choices) or len(choices) < 2:
        raise ValueError(f"choices: expected at least two distinct choices, got {choices!r}")
    if str(correct) not in choices:
        raise ValueError(f"correct: expected one of {choices!r}, got {correct!r}")
    return {"question": question, "type": "multiple_choice",
            "answers": [{"answer": c, "correct": c == str(correct),
                         "feedback": _CORRECT if c == str(correct) else _WRONG} for c in choices]}


def _show(q: dict) -> None:
    if _shell() is None or os.environ.get("MLHW_SELF_CHECKS", "on").lower() in ("off", "0", "no"):
        return
    from jupyterquiz import display_quiz

    display_quiz([q], shuffle_answers=False, colors=_COLOURS)


# jupyterquiz's palette, with the theme's colours where the defaults are too faint to read
_COLOURS = {"--jq-numeric-bg": "#1f4e79", "--jq-multiple-choice-bg": "#1f4e79",
            "--jq-correct-color": "#0b6b1d", "--jq-incorrect-color": "#a40000",
            "--jq-numeric-input-bg": "#ffffff"}
