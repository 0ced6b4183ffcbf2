"""The board report as data: areas of figures and breakdowns, each beside the comparison period.

Breakdowns that count people (reports, gift findings by department, side functions) are protected: a count
below `min_cell` is shown as "< 3" and merged into "overig"; when "overig" itself would stay below `min_cell`
the next smallest categories are merged too (shown as "in overig"), so no cell of 1 or 2 can be worked out
by subtracting the shown ones from the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.board.period import Period

Cell = int | float | str | None
OTHER = "overig"


@dataclass(frozen=True)
class Figure:
    """One number, this period and the comparison period; unit '', '%' or 'dagen'."""

    label: str
    current: Cell
    previous: Cell
    unit: str = ""


@dataclass(frozen=True)
class Breakdown:
    """Counts per category, this period and the comparison period (already protected where needed)."""

    title: str
    rows: tuple[tuple[str, Cell, Cell], ...]
    protected: bool = False
    note: str = ""

    @property
    def chartable(self) -> bool:
        return any(isinstance(v, int) and v > 0 for _, a, b in self.rows for v in (a, b))


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    reading: str  # one Dutch sentence
    figures: tuple[Figure, ...] = ()
    breakdowns: tuple[Breakdown, ...] = ()
    active: bool = False  # anything happened in either period


@dataclass(frozen=True)
class BoardReport:
    organisation: str
    period: Period
    compare: Period
    audience: str  # "rvc" or "directeur"
    min_cell: int
    generated: str
    areas: tuple[Area, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return True

    @property
    def empty(self) -> bool:
        return not any(area.active for area in self.areas)

    @property
    def summary(self) -> str:
        if self.empty:
            return f"In {self.period.label} en {self.compare.label} is op geen van de onderdelen iets geregistreerd."
        return f"Integriteitsrapportage {self.period.label}, vergeleken met {self.compare.label}."

    def as_dict(self) -> dict[str, Any]:
        return {
            "organisatie": self.organisation,
            "periode": self.period.label,
            "vergeleken_met": self.compare.label,
            "versie": self.audience,
            "min_cel": self.min_cell,
            "opgesteld_op": self.generated,
            "leeg": self.empty,
            "samenvatting": self.summary,
            "onderdelen": [
                {
                    "sleutel": a.key,
                    "titel": a.title,
                    "lezing": a.reading,
                    "activiteit": a.active,
                    "kengetallen": [
                        {"kengetal": f.label, "periode": f.current, "vergelijking": f.previous, "eenheid": f.unit}
                        for f in a.figures
                    ],
                    "uitsplitsingen": [
                        {
                            "titel": b.title,
                            "beschermd": b.protected,
                            "toelichting": b.note,
                            "rijen": [{"categorie": c, "periode": x, "vergelijking": y} for c, x, y in b.rows],
                        }
                        for b in a.breakdowns
                    ],
                }
                for a in self.areas
            ],
            "opmerkingen": list(self.notes),
        }


def protect(counts: Mapping[str, int], min_cell: int) -> tuple[dict[str, Cell], Cell]:
    """Shown value per category and the 'overig' cell (None when nothing was merged)."""
    small = f"< {min_cell}"
    merged = {k for k, v in counts.items() if 0 < v < min_cell}
    other = sum(counts[k] for k in merged)
    if merged and other < min_cell:
        rest = sorted((k for k, v in counts.items() if v > 0 and k not in merged), key=lambda k: (counts[k], k))
        for key in rest:
            merged.add(key)
            other += counts[key]
            if other >= min_cell:
                break
    shown: dict[str, Cell] = {}
    for key, value in counts.items():
        if key in merged:
            shown[key] = small if value < min_cell else "in overig"
        else:
            shown[key] = value
    if not merged:
        return shown, None
    return shown, other if other >= min_cell else small


def breakdown(
    title: str,
    current: Mapping[str, int],
    previous: Mapping[str, int],
    order: Iterable[str] = (),
    *,
    min_cell: int | None = None,
    note: str = "",
) -> Breakdown:
    """Categories that occur in either period, those in `order` first; protected when min_cell is given."""
    known = list(dict.fromkeys(order))
    seen = sorted(k for k in {*current, *previous} if k not in known)
    keys = [k for k in known + seen if current.get(k) or previous.get(k)]
    now = {k: current.get(k, 0) for k in keys}
    before = {k: previous.get(k, 0) for k in keys}
    if min_cell is None:
        return Breakdown(title, tuple((k, now[k], before[k]) for k in keys), False, note)
    shown_now, other_now = protect(now, min_cell)
    shown_before, other_before = protect(before, min_cell)
    rows = [(k, shown_now[k], shown_before[k]) for k in keys]
    if other_now is not None or other_before is not None:
        rows.append((OTHER, other_now if other_now is not None else 0, other_before if other_before is not None else 0))
    return Breakdown(title, tuple(rows), True, note)


@dataclass(frozen=True)
class Chart:
    """One bar chart: categories with this period's and the comparison period's counts (a protected cell is 0)."""

    title: str
    labels: tuple[str, ...]
    current: tuple[int, ...]
    previous: tuple[int, ...]
    breakdown: int | None  # index of the breakdown it shows; None: the area's count figures


def _count(value: Cell) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def count_figures(area: Area) -> tuple[Figure, ...]:
    return tuple(f for f in area.figures if not f.unit and isinstance(f.current, int) and isinstance(f.previous, int))


def charts(area: Area) -> tuple[Chart, ...]:
    """The area's charts, the same in the workbook (native) and the PDF/HTML (images)."""
    found = [
        Chart(
            b.title,
            tuple(r[0] for r in b.rows),
            tuple(_count(r[1]) for r in b.rows),
            tuple(_count(r[2]) for r in b.rows),
            i,
        )
        for i, b in enumerate(area.breakdowns)
        if b.chartable
    ]
    if found:
        return tuple(found)
    figures = count_figures(area)
    if any(_count(f.current) or _count(f.previous) for f in figures):
        return (
            Chart(
                area.title,
                tuple(f.label for f in figures),
                tuple(_count(f.current) for f in figures),
                tuple(_count(f.previous) for f in figures),
                None,
            ),
        )
    return ()
