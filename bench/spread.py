"""Median, min and max of several runs of a command (time and peak memory), and a row that fails out loud.

`bench.measure.run` keeps the best of N, which hides how much a figure moves under load; the rows of
bench_suppliers and bench_mail report the median with the spread, and a peer measured in the same run.
"""

from __future__ import annotations

import resource
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.measure import run


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float
    peak_mb: float  # median of the peaks
    cpu: float  # median CPU seconds (user + system) of the child: what load on a shared machine does not inflate
    exit_code: int  # the first non-zero exit code of the runs, else 0
    output: str  # the output of the last run

    def text(self) -> str:
        return f"{self.median:7.2f} s [{self.low:.2f}–{self.high:.2f}] cpu {self.cpu:.2f} s {self.peak_mb:5.0f} MB"


class RowFailed(Exception):
    """A bench row could not measure what its label says (a command failed, a peer could not be installed)."""


def measure(argv: list[str], repeat: int = 5, cwd: Path | None = None) -> Spread:
    """Run `argv` `repeat` times; a failing run fails the row (its output in the message)."""
    runs, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        runs.append(run(argv, cwd=cwd))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    failed = next((r for r in runs if r.exit_code != 0), None)
    if failed is not None:
        raise RowFailed(f"exitcode {failed.exit_code}: {failed.output.strip()[-600:]}")
    seconds = [r.seconds for r in runs]
    return Spread(
        statistics.median(seconds),
        min(seconds),
        max(seconds),
        statistics.median(r.peak_mb for r in runs),
        statistics.median(cpu),
        0,
        runs[-1].output,
    )


def ratio_row(label: str, ours: Spread, peer: Spread, peer_name: str, limit: float | None) -> str:
    """Ours beside the peer, the ratio of the medians, and OK / BOVEN DOEL against `limit`."""
    ratio = ours.median / peer.median if peer.median else float("inf")
    cpu_ratio = ours.cpu / peer.cpu if peer.cpu else float("inf")
    verdict = "info" if limit is None else ("OK" if ratio <= limit else "BOVEN DOEL")
    target = "" if limit is None else f" (doel <= {limit:g}x)"
    return (
        f"{label:<44} {ours.text()} | {peer_name} {peer.text()} | x{ratio:5.2f}{target}  {verdict}"
        f" (cpu x{cpu_ratio:4.2f})"
    )


def failed_row(label: str, why: str) -> str:
    return f"{label:<44} FOUT: {why}"
