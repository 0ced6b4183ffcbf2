"""`make bench`, register writes: a write costs what changes, not the size of the file.

- 10 changed cells in a 100,000-row register (the gateway patches the sheet XML), beside the floor of reading
  the floor of copying that .xlsx zip member by member (read and deflate again, as any rewrite does), and
  beside calamine reading it; target <= 5 s. Median of three.
- the nightly after one gift row typed into the 20,000-row register of the large workspace (the row is typed
  with openpyxl before each measured run, untimed), beside calamine reading the workspace's registers;
  target <= 2 s. Median of three, min and max shown.

python -m bench.bench_register_write OUTDIR
"""

from __future__ import annotations

import shutil
import statistics
import sys
from pathlib import Path

from bench import bench_gifts, bench_memory, workspaces
from bench.measure import Measurement, integrity, python, row, run

TEN_CELLS = """
import sys, time
from pathlib import Path
from toolkit.registers.schema import GIFTS
from toolkit.registers.writer import CellUpdate, write_updates
path = Path(sys.argv[1])
token = str(time.time_ns())
updates = [CellUpdate("Beoordeling", f"G2: te duur ({token})", nr=n) for n in range(1, 100_001, 10_000)]
result = write_updates(path, GIFTS, updates, backups_dir=path.parent / "backups", keep_backups=1)
assert result.written and result.cells_changed == 10, result
"""

CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
for path in sys.argv[1:]:
    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
"""


ZIP_COPY_FLOOR = """
import sys, zipfile
from pathlib import Path
source = Path(sys.argv[1])
with zipfile.ZipFile(source) as old, zipfile.ZipFile(source.with_suffix(".copy.xlsx"), "w") as new:
    for info in old.infolist():
        new.writestr(info, old.read(info), compress_type=zipfile.ZIP_DEFLATED)
"""


def median(runs: list[Measurement]) -> Measurement:
    ordered = sorted(runs, key=lambda m: m.seconds)
    return ordered[len(ordered) // 2]


def spread(runs: list[Measurement]) -> str:
    seconds = [m.seconds for m in runs]
    return f"   (min {min(seconds):.2f} s, max {max(seconds):.2f} s, mediaan {statistics.median(seconds):.2f} s)"


def ten_cells(out: Path) -> None:
    source = bench_memory.build(out / "memory" / "geschenken-100k.xlsx")
    target = out / "register-write" / "geschenken.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    runs = [run([*python(TEN_CELLS), str(target)]) for _ in range(3)]
    failed = [m for m in runs if m.exit_code != 0]
    if failed:
        print(f"10 cellen schrijven mislukt:\n{failed[0].output[-2000:]}")
        return
    copies = [run([*python(ZIP_COPY_FLOOR), str(target)]) for _ in range(3)]
    reads = [run([*python(CALAMINE_FLOOR), str(target)]) for _ in range(3)]
    label = "10 cellen wijzigen, register 100.000 rijen"
    print(
        row(label, median(runs), median(copies), "<= 5 s; floor: zip deel voor deel kopiëren", None)
        + _target(runs, 5.0)
    )
    print(spread(runs) + f"   N={len(runs)}")
    print(row("  zelfde, naast calamine die het blad leest", median(runs), median(reads), "info", None))


def typed_row(out: Path) -> None:
    from toolkit.registers.schema import GIFTS

    root = out / "large-typed-row"
    if not (root / "config.toml").exists():
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(bench_gifts.prejudged_copy(out), root)
    nightly = integrity("--config", str(root / "config.toml"), "--as-of", workspaces.TODAY.isoformat(), "nightly")
    run(nightly)  # whatever the first night does (mail, numbering) is done now
    runs = []
    for index in range(3):
        _type_a_gift(root / "registers" / GIFTS.filename, index)
        runs.append(run(nightly))
    paths = [str(p) for p in sorted((root / "registers").glob("*.xlsx"))]
    floor = run([*python(CALAMINE_FLOOR), *paths], repeat=3)
    print(row("nightly na 1 getypte rij (20.000 rijen)", median(runs), floor, "<= 2 s", None) + _target(runs, 2.0))
    print(spread(runs) + f"   exitcodes {[m.exit_code for m in runs]}")


def _type_a_gift(path: Path, index: int) -> None:
    """What a person does in Excel: one new row at the bottom, no Nr, no verdict."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    sheet = book["Geschenken"]
    values = {
        "Datum ontvangen": workspaces.TODAY,
        "Medewerker": "Medewerker 7",
        "Gever": f"Nieuwe Gever {index}",
        "Soort": "geschenk",
        "Omschrijving": "Fles wijn",
        "Waarde (€)": 30,
        "Besluit": "aangenomen",
    }
    headers = {cell.value: cell.column for cell in sheet[1]}
    target = sheet.max_row + 1
    for header, value in values.items():
        sheet.cell(target, headers[header]).value = value
    book.save(path)


def _target(runs: list[Measurement], seconds: float) -> str:
    return "  OK" if median(runs).seconds <= seconds else "  BOVEN DOEL"


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent / "out"
    out.mkdir(parents=True, exist_ok=True)
    ten_cells(out)
    typed_row(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
