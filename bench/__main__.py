"""`make bench`: each figure beside its floor. Workspaces are cached in bench/out/ (delete it to rebuild)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench import measure, workspaces
from bench.measure import integrity, python, run

OUT = Path(__file__).resolve().parent / "out"

CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).iter_rows():
            pass
"""


# The SIGKILL trials take about a minute each on a loaded machine: `make bench` runs 5 per backend (the tests run
# their own); `python -m bench.bench_mail bench/out --trials 20` runs the full set.
EXTRA_ARGS = {"bench_mail": ["--trials", "5"]}


def floor_read(root: Path) -> measure.Measurement:
    paths = [str(p) for p in sorted((root / "registers").glob("*.xlsx"))]
    return run([*python(CALAMINE_FLOOR), *paths], repeat=3)


def main() -> int:
    OUT.mkdir(exist_ok=True)
    print(
        "Meting                                        ons (tijd, piekgeheugen) | floor: kale bibliotheek op dezelfde data"
    )
    help_run = run(integrity("--help"), repeat=5)
    click_floor = run(python("import click"), repeat=5)
    print(measure.row("integrity --help", help_run, click_floor, "<= 2x import click", 2.0))
    for name in ("realistic", "large"):
        root = workspaces.build(OUT, name)
        config = str(root / "config.toml")
        floor = floor_read(root)
        check = run(integrity("--config", config, "check"), repeat=1)
        print(measure.row(f"check ({name})", check, floor, "info", None))
        run(integrity("--config", config, "nightly"))  # first run may assign numbers / process mail
        nightly = run(integrity("--config", config, "nightly"), repeat=3)
        print(
            measure.row(
                f"nightly, niets veranderd ({name})", nightly, floor, "<= 1.5x", 1.5 if name == "large" else None
            )
        )
    for extra in sorted(Path(__file__).parent.glob("bench_*.py")):
        args = EXTRA_ARGS.get(extra.stem, [])
        print(run([sys.executable, "-m", f"bench.{extra.stem}", str(OUT), *args]).output.rstrip(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
