"""The report as HTML: a cover and one fragment per area (templates/board/), each with its charts as an embedded PNG.

The fragments are also what the PDF is typeset from (toolkit.board.pdf), so HTML and PDF always say the same.
Templates run in jinja2's sandbox with autoescaping on: nothing from a register can become markup.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit.board.model import Area, BoardReport, Cell

TEMPLATE_DIR = "board"
AUDIENCES = {"rvc": "de Raad van Commissarissen", "directeur": "de directeur-bestuurder"}


@dataclass(frozen=True)
class Rendered:
    """The cover and one fragment per area, and the full page that holds them."""

    cover: str
    areas: tuple[str, ...]
    page: str


def value_text(value: Cell, unit: str = "") -> str:
    """How a cell reads: '—' for nothing, '2,5' for a median, '75%' for a share."""
    if value is None:
        return "—"
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",") if isinstance(value, float) else str(value)
    return f"{text}%" if unit == "%" and isinstance(value, int | float) else text


def template_folder(templates_dir: Path) -> Path:
    """The workspace's templates/board/, or the toolkit's own for a workspace made before it existed."""
    own = templates_dir / TEMPLATE_DIR
    if (own / "rapport.html").is_file():
        return own
    from toolkit.init import default_file

    return default_file(f"templates/{TEMPLATE_DIR}")


def _environment(folder: Path) -> Any:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(folder)), autoescape=True, undefined=jinja2.StrictUndefined
    )
    env.filters["waarde"] = value_text
    return env


def data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


def render(
    report: BoardReport, templates_dir: Path, images: dict[str, bytes | None], image_width: int = 640
) -> Rendered:
    """Render cover, areas and page; `images` holds each area's chart PNG by area key."""
    from toolkit.errors import InputError

    folder = template_folder(templates_dir)
    env = _environment(folder)
    common = _common(report)
    try:
        cover = env.get_template("voorblad.html").render(
            **common,
            voor=AUDIENCES.get(report.audience, report.audience),
            samenvatting=report.summary,
            areas=report.areas,
            opmerkingen=report.notes,
        )
        areas = tuple(_area(env, area, common, images.get(area.key), image_width) for area in report.areas)
        page = env.get_template("rapport.html").render(
            **common, voorblad=_markup(cover), onderdelen=[_markup(a) for a in areas]
        )
    except Exception as exc:  # noqa: BLE001 - jinja2's errors: a template staff edited
        raise InputError(
            f"sjabloon in {folder}: {exc}", hint="herstel het sjabloon vanuit de map templates/board/ van de toolkit."
        ) from exc
    return Rendered(cover, areas, page)


def _common(report: BoardReport) -> dict[str, Any]:
    return {
        "periode": report.period.label,
        "vergelijking": report.compare.label,
        "organisatie": report.organisation,
        "opgesteld": report.generated,
        "min_cel": report.min_cell,
    }


def render_area(report: BoardReport, templates_dir: Path, area: Area, png: bytes | None, width: int) -> str:
    """One area's fragment with the chart at `width` pixels (the PDF tries smaller widths until the page fits)."""
    env = _environment(template_folder(templates_dir))
    return _area(env, area, _common(report), png, width)


def _area(env: Any, area: Area, common: dict[str, Any], png: bytes | None, width: int) -> str:
    return env.get_template("onderdeel.html").render(**common, area=area, grafiek=data_uri(png), grafiek_breedte=width)


def _markup(text: str) -> Any:
    from markupsafe import Markup

    return Markup(text)  # noqa: S704 - our own rendered, autoescaped fragments
