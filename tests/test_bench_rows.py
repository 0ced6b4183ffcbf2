"""The bench rows of the supplier and mail seams measure what their labels say, and fail out loud when they can't."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "module",
    sorted(f"bench.{p.stem}" for p in (Path(__file__).parent.parent / "bench").glob("*.py") if p.stem != "__main__"),
)
def test_bench_module_imports(module: str) -> None:
    """Every import a bench row needs resolves (a missing function fails here, not silently in `make bench`)."""
    importlib.import_module(module)


def test_side_function_review_row_measures_real_conflicts(tmp_path: Path) -> None:
    """The review row runs the real command on a generated register and sees the conflicts it was built with."""
    from bench.bench_suppliers import review, sidejobs_workspace

    result = review(sidejobs_workspace(tmp_path, 30, 10), repeat=1)
    assert result.exit_code == 0 and result.low <= result.median <= result.high
    assert "Mogelijk belangenconflict (3)" in result.output


def test_a_failing_command_fails_the_row(tmp_path: Path) -> None:
    """A row whose command fails raises RowFailed (printed as FOUT, exit 1) instead of reporting a time."""
    from bench.measure import integrity
    from bench.spread import RowFailed, measure

    with pytest.raises(RowFailed, match="exitcode"):
        measure(integrity("--config", str(tmp_path / "ontbreekt.toml"), "check"), repeat=1)
