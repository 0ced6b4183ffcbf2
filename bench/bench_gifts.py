"""`integrity gifts check` on the large workspace (20,000 gift rows), second run with nothing changed,
beside the floor: calamine reading the same three workbooks (gifts, suppliers, staff) row by row.

Run as `python -m bench.bench_gifts OUTDIR` (bench/__main__.py does this for `make bench`).

The measured workspace is a copy of the 'large' one (OUTDIR/large-gifts) whose judgements are filled in while
the copy is made: the first `gifts check` on 20,000 unjudged rows writes 40,000 cells, and the register
writer's check-after-save reads each cell back through openpyxl's read-only mode, which costs time linear in
the row number per cell (quadratic overall; see the report to the lead). What is measured is the nightly case:
a rerun with nothing changed.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench import workspaces
from bench.measure import integrity, python, row, run
from toolkit.registers.schema import GIFTS, STAFF, SUPPLIERS

CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        for cells in book.get_sheet_by_name(name).iter_rows():
            pass
"""


def prejudged_copy(out: Path) -> Path:
    """A copy of the large workspace with every gift row judged (built once, cached beside it)."""
    from toolkit.config import load_config
    from toolkit.gifts.service import JUDGED_ON, VERDICT, _policy, assess_all
    from toolkit.registers.create import create_register
    from toolkit.registers.reader import read_register
    from toolkit.workspace import Workspace

    target = out / "large-gifts"
    if (target / "config.toml").exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(workspaces.build(out, "large"), target)
    ws = Workspace(load_config(target / "config.toml"), workspaces.TODAY)
    path = ws.register_path(GIFTS)
    policy = _policy(ws, [])
    rows = []
    for item in assess_all(read_register(path, GIFTS).rows, policy):
        rows.append({**item.row.values, **item.row.raw, VERDICT: item.verdict, JUDGED_ON: workspaces.TODAY})
    path.unlink()
    create_register(path, GIFTS, rows)
    ws.close()
    return target


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "out"
    out.mkdir(parents=True, exist_ok=True)
    root = prejudged_copy(out)
    check = integrity("--config", str(root / "config.toml"), "--as-of", workspaces.TODAY.isoformat(), "gifts", "check")
    first = run(check)  # whatever is still different is written now
    if first.exit_code != 0:
        print(f"gifts check mislukt (exitcode {first.exit_code}):\n{first.output[-2000:]}")
        return 1
    ours = run(check, repeat=3)
    paths = [str(root / "registers" / r.filename) for r in (GIFTS, SUPPLIERS, STAFF)]
    floor = run([*python(CALAMINE_FLOOR), *paths], repeat=3)
    print(row("gifts check, niets veranderd (large)", ours, floor, "info: lezen door de registerlaag", None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
