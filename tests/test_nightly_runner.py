"""The nightly runner: the garbage collector runs less often during a job and is as it was afterwards."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

from toolkit.collector import COLLECT_EVERY
from toolkit.config.load import load_config
from toolkit.nightly import StepResult, run_steps
from toolkit.workspace import Workspace

SEEN: list[tuple[int, int, int]] = []


def threshold_step(ws: Workspace) -> StepResult:
    """A step that notes the collector's thresholds while it runs."""
    SEEN.append(gc.get_threshold())
    return StepResult("drempel", True, "genoteerd")


def failing_step(ws: Workspace) -> StepResult:
    """A step with a bug."""
    raise RuntimeError("kapot")


def test_a_job_collects_garbage_less_often_and_restores_the_collector(bare_workspace: Path) -> None:
    """During the job the collector runs every COLLECT_EVERY allocations; after it (a step failing too) as before."""
    ws = Workspace(load_config(bare_workspace / "config.toml"), date(2026, 11, 29))
    before = gc.get_threshold()
    SEEN.clear()
    steps = [
        ("a", f"{__name__}:threshold_step"),
        ("b", f"{__name__}:failing_step"),
        ("c", f"{__name__}:threshold_step"),
    ]
    report = run_steps(ws, "test", steps)
    ws.close()
    assert [step.ok for step in report.steps] == [True, False, True]
    assert len(SEEN) == 2 and all(seen[0] >= COLLECT_EVERY and seen[1:] == before[1:] for seen in SEEN)
    assert gc.get_threshold() == before
    assert gc.isenabled()


def test_every_command_runs_with_fewer_collections(tmp_path: Path) -> None:
    """The `integrity` process (toolkit.cli.main) runs its command with the raised threshold, and restores it."""
    import subprocess
    import sys

    probe = (
        "import gc, sys\n"
        "import toolkit.cli as cli\n"
        "seen = []\n"
        "real = cli.cli.main\n"
        "cli.cli.main = lambda *a, **k: seen.append(gc.get_threshold()[0])\n"
        "before = gc.get_threshold()\n"
        "cli.main(['--help'])\n"
        "print(seen[0], gc.get_threshold() == before)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) >= COLLECT_EVERY and out[1] == "True"
