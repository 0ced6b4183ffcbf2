"""`make bench`, memory: a 100,000-row gifts register read for judging stays under 300 MB peak.

python -m bench.bench_memory OUTDIR
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

from bench.measure import python, row, run
from toolkit.gifts.rules import GiftPolicy
from toolkit.gifts.service import assess_all
from toolkit.registers.reader import read_register
from toolkit.registers.schema import GIFTS

ROWS = 100_000
LIMIT_MB = 300

READ_AND_JUDGE = """
import sys
from pathlib import Path
from bench.bench_memory import read_and_judge
print(*read_and_judge(Path(sys.argv[1])))
"""


def read_and_judge(path: Path) -> tuple[int, int]:
    """What `gifts check` does before it writes: read the register, judge every row (G1–G7, sums per giver)."""
    table = read_register(path, GIFTS)
    assessed = assess_all(table.rows, GiftPolicy())
    return len(table.rows), sum(1 for item in assessed if item.judgement is None or not item.judgement.ok)


CALAMINE_FLOOR = """
import sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_name("Geschenken").to_python()
print(len(rows))
"""


def build(path: Path, rows: int = ROWS) -> Path:
    """A `rows`-row register written with openpyxl's write-only mode (fast), headers as the toolkit makes them."""
    if path.exists():
        return path
    import openpyxl

    from toolkit.registers.schema import GIFT_DECISIONS, GIFT_KINDS, GIFTS

    rng = random.Random(rows)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(GIFTS.sheet)
    sheet.append(list(GIFTS.headers))
    start = date(2024, 1, 1)
    for nr in range(1, rows + 1):
        sheet.append([
            nr, start + timedelta(days=rng.randint(0, 900)), f"Medewerker {rng.randint(1, 500)}", f"Leverancier {rng.randint(1, 5000)} BV",
            rng.choice(GIFT_KINDS), "Geschenk", round(rng.uniform(1, 80), 2), rng.choice(["ja", "nee"]), "nee",
            rng.choice(GIFT_DECISIONS), rng.choice(["ja", "nee"]), None, None, None,
        ])  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def main() -> int:
    out = Path(sys.argv[1])
    path = build(out / "memory" / "geschenken-100k.xlsx")
    ours = run([*python(READ_AND_JUDGE), str(path)])
    floor = run([*python(CALAMINE_FLOOR), str(path)])
    print(
        row(f"register van {ROWS:,} rijen lezen en beoordelen".replace(",", "."), ours, floor, f"< {LIMIT_MB} MB", None)
    )
    verdict = "OK" if ours.peak_mb < LIMIT_MB and ours.exit_code == 0 else "BOVEN DOEL"
    print(f"{'  piekgeheugen':<44} {ours.peak_mb:8.0f} MB (doel < {LIMIT_MB} MB)  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
