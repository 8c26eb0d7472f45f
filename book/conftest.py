"""nbval over the book: time every notebook and fail the run if one takes too long.

Each notebook has a budget of ``MLHW_NOTEBOOK_BUDGET`` seconds (default 60: the book's rule that
every chapter runs in under a minute on a 2-core machine). The time of a notebook is the sum of
the setup, call and teardown times of its cells (kernel start included). With pytest-xdist the
reports reach the controlling process, so the sum is over the whole notebook whichever worker
ran it. The summary lists the slowest notebooks.
"""

from __future__ import annotations

import os
from collections import defaultdict

import pytest

_times: dict[str, float] = defaultdict(float)


def _budget() -> float:
    return float(os.environ.get("MLHW_NOTEBOOK_BUDGET", "60"))


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb"):
        _times[path] += report.duration


def _over() -> list[tuple[str, float]]:
    return [(p, t) for p, t in sorted(_times.items(), key=lambda kv: -kv[1]) if t > _budget()]


def pytest_terminal_summary(terminalreporter):
    if not _times:
        return
    tr = terminalreporter
    tr.section("notebook times")
    for path, t in sorted(_times.items(), key=lambda kv: -kv[1])[:5]:
        tr.write_line(f"{t:6.1f} s  {path}")
    tr.write_line(f"{sum(_times.values()):6.1f} s  all {len(_times)} notebooks (summed over workers)")
    for path, t in _over():
        tr.write_line(f"FAILED: {path} took {t:.1f} s, over the budget of {_budget():.0f} s per "
                      "notebook (MLHW_NOTEBOOK_BUDGET)", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    if _over() and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
