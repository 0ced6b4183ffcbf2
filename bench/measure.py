"""Run a command in a child process and measure its wall time and peak memory (max RSS)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float
    exit_code: int
    output: str
    cpu: float = 0.0  # user + system seconds of the child: what a loaded, shared machine does not inflate


def run(argv: list[str], cwd: Path | None = None, repeat: int = 1, env: dict[str, str] | None = None) -> Measurement:
    """The run with the median wall time of `repeat` runs (never the best: a best-of hides the load); peak memory
    of the child (VmHWM via bench/probe.py for Python commands) and its CPU seconds."""
    results: list[Measurement] = []
    peak_file = Path(tempfile.mkstemp(prefix="bench-peak-")[1])
    if argv[0] == sys.executable and argv[1] in ("-m", "-c"):
        argv = [sys.executable, "-m", "bench.probe", *argv[1:]]
    child_env = {**(env or os.environ), "BENCH_PEAK_FILE": str(peak_file), "PYTHONPATH": str(REPO)}
    # as installed: Python keeps its bytecode caches (a shell with PYTHONDONTWRITEBYTECODE would have every run
    # compile every module again, which no user's machine does)
    child_env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(repeat):
        peak_file.write_text("0")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        process = subprocess.run(
            argv, cwd=cwd or REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=child_env, check=False
        )
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        output = process.stdout.decode("utf-8", "replace")
        result = Measurement(elapsed, int(peak_file.read_text() or 0) / 1024, process.returncode, output, cpu)
        results.append(result)
    return sorted(results, key=lambda m: m.seconds)[len(results) // 2]


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def integrity(*args: str) -> list[str]:
    return [sys.executable, "-m", "toolkit", *args]


def row(label: str, ours: Measurement, floor: Measurement, target: str, ratio_limit: float | None) -> str:
    ratio = ours.seconds / floor.seconds if floor.seconds else float("inf")
    verdict = "" if ratio_limit is None else ("  OK" if ratio <= ratio_limit else "  BOVEN DOEL")
    return (
        f"{label:<44} {ours.seconds:8.2f} s (cpu {ours.cpu:5.2f}) {ours.peak_mb:6.0f} MB | floor {floor.seconds:7.2f} s"
        f" (cpu {floor.cpu:5.2f}) {floor.peak_mb:5.0f} MB | x{ratio:5.2f} (doel {target}){verdict}"
    )
