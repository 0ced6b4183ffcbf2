"""Dates and amounts typed as text become real Excel values, so sorting and filtering work; ambiguous ones are named.

Schema-driven: every staff column of kind DATE or AMOUNT in every register gets this, new registers included.
`typed_changes` judges (pure: a Table in, cell changes and findings out); the changes go through the plan and the
register gateway like any other write (`toolkit.plan.apply_plan`), only in the nightly job and `--write`, with
one audit line per cell (`register.typed`, see `pending.save`). What is converted and what is not:

- converted: `15-01-2027`, `15/1/2027`, `15.01.2027`, `15 jan 2027`, `15 januari 2027`, `2027-01-15`;
  `€ 35,50`, `35,50`, `35.50`, `EUR 35`, `25,-`, `1.234,56`, `1,234.56`, `40`.
- named, left as typed (`values.AmbiguousValue`): a year of two digits (`03-04-27`: 3 April 2027, or 27 April 2003?),
  a date with a time (`2027-01-15 10:30`), a year Excel can't show, an amount with more than two decimals.
- named by the reader already (unreadable): `1.234` and `1,234` (a thousand, or one point two?), `gisteren`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from toolkit.errors import Location
from toolkit.registers.schema import AMOUNT_FORMAT, DATE_FORMAT, Column, Kind, Register
from toolkit.values import AmbiguousValue, counted, typed_value

if TYPE_CHECKING:
    from toolkit.plan import CellChange
    from toolkit.registers.package import Styles
    from toolkit.registers.reader import Finding, Table
    from toolkit.registers.sheetxml import Sheet

FORMATS = {Kind.DATE: DATE_FORMAT, Kind.AMOUNT: AMOUNT_FORMAT}
NEIGHBOURS = 10  # rows above and below whose real date or amount shows the column's own format


def typed_columns(register: Register) -> tuple[Column, ...]:
    """The staff columns whose typed text may become a real value: dates and amounts."""
    return tuple(c for c in register.columns if not c.owned and c.kind in FORMATS)


def typed_changes(table: Table) -> tuple[tuple[CellChange, ...], tuple[Finding, ...]]:
    """For each date or amount typed as text: a change to its real value, or a finding when it is ambiguous."""
    from toolkit.plan import CellChange
    from toolkit.registers.reader import Finding

    columns = {c.header: c for c in typed_columns(table.register)}
    nrs = {row.excel_row: row.nr for row in table.rows}
    changes: list[CellChange] = []
    findings: list[Finding] = []
    for cell in table.typed:
        column = columns.get(cell.header)
        if column is None:
            continue
        try:
            value = typed_value(cell.text, column.kind)
        except AmbiguousValue as exc:
            where = Location(table.path.name, table.sheet, cell.excel_row, cell.header)
            findings.append(Finding(where, cell.text, f"{exc}; de cel blijft zoals getypt"))
            continue
        except ValueError:  # the reader named it already
            continue
        nr = nrs.get(cell.excel_row)
        changes.append(
            CellChange(
                table.register.key,
                cell.header,
                value,
                nr=nr,
                excel_row=None if nr is not None else cell.excel_row,
                number_format=FORMATS[column.kind],
                was=cell.text,
            )
        )
    return tuple(changes), tuple(findings)


def typed_notes(table: Table) -> list[str]:
    """For `integrity check`: the ambiguous typed cells, and how many the next nightly run turns into real values."""
    changes, findings = typed_changes(table)
    notes = [str(finding) for finding in findings]
    if changes:
        notes.append(
            f"{table.path.name}: {counted(len(changes), 'datum of bedrag', 'datums of bedragen')} als tekst getypt; "
            "de nachtelijke taak maakt "
            "er echte Excel-waarden van (sorteren en filteren werken dan)"
        )
    return notes


@dataclass(frozen=True)
class TypedWrite:
    """A staff cell whose typed text became a real date or amount: what the audit trail records."""

    sheet: str
    excel_row: int
    nr: int | None
    column: str
    old: str
    new: Any

    def audit_details(self) -> dict[str, str | int | None]:
        new = self.new.isoformat() if hasattr(self.new, "isoformat") else str(self.new)
        if isinstance(self.new, Decimal):
            new = f"{self.new:.2f}"
        return {"sheet": self.sheet, "row": self.excel_row, "nr": self.nr, "column": self.column, "old": self.old,
                "new": new}  # fmt: skip


def style_for(sheet: Sheet, styles: Styles, row: int, column: int, style: str | None, code: str) -> str:
    """The cell format for a typed value: that of a real date or amount near it in the column (the column's own
    format), else the cell's own with `code` as number format (an identical existing format is reused)."""
    wanted_date = code == DATE_FORMAT
    for other in _around(row):
        cell = sheet.cell(other, column)
        if cell is None or (cell.attr(b"t") or b"n") != b"n" or cell.attr(b"s") is None:
            continue
        found = (cell.attr(b"s") or b"").decode()
        if styles.is_date(found) if wanted_date else styles.is_amount(found):
            return found
    return styles.with_format(style, code) or (style or "0")


def _around(row: int) -> Iterable[int]:
    for distance in range(1, NEIGHBOURS + 1):
        yield from (r for r in (row - distance, row + distance) if r > 1)
