"""The public overview of the side functions of the directeur-bestuurder and the RvC members (S3).

Two files in the chosen folder, both written atomically (temp file in the same folder, then replace):
an accessible, printable HTML page (lang="nl", a real table with caption and header cells, print CSS, no
scripts; names are escaped) and an .xlsx with the same table (every cell stored as text).

Only rows whose role is directeur-bestuurder or RvC-lid and whose function is neither ended nor refused are
published (rules.is_published). A row of those roles that can't be read reliably (its status, end date or role
unreadable, or no status) is left out and named in the result's notes, so HR can correct it and publish again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.mail.templates import format_date
from toolkit.registers.reader import Row, read_register
from toolkit.registers.schema import SIDEJOBS
from toolkit.sidejobs.rules import PUBLISHED_ROLES, is_published
from toolkit.sidejobs.service import side_job

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

BASENAME = "nevenfuncties-bestuur-en-rvc"
ROLE_LABELS = {"directeur-bestuurder": "Directeur-bestuurder", "RvC-lid": "Lid Raad van Commissarissen"}
HEADER = ("Naam", "Rol", "Nevenfunctie", "Organisatie", "Betaald")
NEEDED = ("Rol", "Status", "Einddatum")
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(frozen=True)
class PublishedSideJob:
    """One line of the public overview."""

    name: str
    role: str
    function: str
    organisation: str
    paid: bool | None

    @property
    def paid_text(self) -> str:
        return {True: "ja", False: "nee"}.get(self.paid, "onbekend")  # type: ignore[arg-type]

    def cells(self) -> tuple[str, ...]:
        return (self.name, ROLE_LABELS.get(self.role, self.role), self.function, self.organisation, self.paid_text)


@dataclass(frozen=True)
class PublishResult:
    """Where the overview was written, what it holds, and rows left out because they can't be read."""

    html: Path
    xlsx: Path
    published_on: date
    entries: tuple[PublishedSideJob, ...]
    notes: tuple[str, ...] = ()


def publish_side_jobs(ws: Workspace, out_dir: Path) -> PublishResult:
    """Write the HTML page and the .xlsx for the board's current side functions into out_dir."""
    table = read_register(ws.register_path(SIDEJOBS), SIDEJOBS)
    entries, notes = [], []
    for row in table.rows:
        problem = _unreadable(row)
        if problem:
            notes.append(problem)
            continue
        job = side_job(row)
        if is_published(job, ws.today):
            entries.append(PublishedSideJob(job.employee, job.role or "", job.function, job.organisation, job.paid))
    entries.sort(key=lambda e: (PUBLISHED_ROLES.index(e.role), e.name.casefold(), e.organisation.casefold()))
    _prepare(out_dir)
    html_path, xlsx_path = out_dir / f"{BASENAME}.html", out_dir / f"{BASENAME}.xlsx"
    organisation = ws.config.organisation.name
    _write_atomically(html_path, render_html(entries, organisation, ws.today).encode("utf-8"))
    _write_atomically(xlsx_path, render_xlsx(entries, organisation, ws.today))
    ws.audit.record("sidejobs.publish", actor=ws.actor, target=str(out_dir), rows=len(entries))
    return PublishResult(html_path, xlsx_path, ws.today, tuple(entries), tuple(notes))


def _unreadable(row: Row) -> str:
    """Why a row that may need publishing can't be judged, or '' (staff rows never need it)."""
    role_unknown = "Rol" in row.unreadable or row.get("Rol") is None
    if not role_unknown and row.get("Rol") not in PUBLISHED_ROLES:
        return ""
    bad = [column for column in NEEDED if column in row.unreadable]
    if not bad and row.get("Status") is None:
        bad = ["Status (leeg)"]
    if role_unknown and not bad:
        bad = ["Rol (leeg)"]
    if not bad:
        return ""
    return (
        f"{SIDEJOBS.filename}, blad {SIDEJOBS.sheet}, rij {row.excel_row} ({row.get('Medewerker') or 'zonder naam'}) "
        f"niet gepubliceerd: kolom {', '.join(bad)} niet te lezen. Corrigeer de cel en publiceer opnieuw."
    )


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is een bestand, geen map.", hint="geef bij --out een map op.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            f"map {out_dir} kan niet worden gemaakt: {exc.strerror}.", hint="kies een andere map."
        ) from exc


def _write_atomically(path: Path, content: bytes) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise InputError(
            f"{path} kan niet worden geschreven: {exc.strerror}.",
            hint="sluit het bestand als het open staat, of kies een andere map met --out.",
        ) from exc
    finally:
        temp.unlink(missing_ok=True)


PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nevenfuncties van bestuur en Raad van Commissarissen | {{ organisation }}</title>
<style>
  body { font-family: Arial, Helvetica, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a;
         background: #ffffff; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: 0.25rem; }
  table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
  caption { text-align: left; font-weight: bold; padding-bottom: 0.5rem; }
  th, td { border: 1px solid #595959; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
  thead th { background: #e6e6e6; color: #1a1a1a; }
  tbody th { font-weight: normal; }
  @media print {
    body { margin: 0; max-width: none; font-size: 10pt; color: #000000; }
    thead { display: table-header-group; }
    tr { break-inside: avoid; page-break-inside: avoid; }
    th, td { border-color: #000000; }
  }
</style>
</head>
<body>
<main>
<h1>Nevenfuncties van bestuur en Raad van Commissarissen</h1>
<p>{{ organisation }} publiceert de nevenfuncties van de directeur-bestuurder en de leden van de Raad van
Commissarissen. Stand van zaken op <time datetime="{{ iso_date }}">{{ date_text }}</time>.</p>
{% if entries %}
<table>
<caption>Nevenfuncties van de directeur-bestuurder en de leden van de Raad van Commissarissen van {{ organisation }}, op {{ date_text }}</caption>
<thead>
<tr>{% for title in header %}<th scope="col">{{ title }}</th>{% endfor %}</tr>
</thead>
<tbody>
{% for cells in entries %}<tr><th scope="row">{{ cells[0] }}</th>{% for cell in cells[1:] %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
{% else %}
<p>Er zijn op deze datum geen nevenfuncties van de directeur-bestuurder of de leden van de Raad van Commissarissen.</p>
{% endif %}
<p>Gepubliceerd op <time datetime="{{ iso_date }}">{{ date_text }}</time>.</p>
</main>
</body>
</html>
"""


def render_html(entries: list[PublishedSideJob], organisation: str, today: date) -> str:
    """The page, with every value from the register escaped."""
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(PAGE).render(
        organisation=organisation,
        iso_date=today.isoformat(),
        date_text=format_date(today, "nl"),
        header=HEADER,
        entries=[e.cells() for e in entries],
    )


def render_xlsx(entries: list[PublishedSideJob], organisation: str, today: date) -> bytes:
    """A workbook with one plain table (text cells only) and a sheet saying what it is and of when."""
    import io

    import openpyxl
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Nevenfuncties"
    for column, title in enumerate(HEADER, start=1):
        _text_cell(sheet.cell(1, column), title).font = Font(bold=True)
        sheet.column_dimensions[chr(64 + column)].width = 12 if title == "Betaald" else 32
    for row, entry in enumerate(entries, start=2):
        for column, value in enumerate(entry.cells(), start=1):
            _text_cell(sheet.cell(row, column), value)
    sheet.freeze_panes = "A2"
    about = book.create_sheet("Uitleg")
    _text_cell(about.cell(1, 1), f"Nevenfuncties van bestuur en Raad van Commissarissen van {organisation}")
    _text_cell(about.cell(2, 1), f"Gepubliceerd op {format_date(today, 'nl')}")
    book.properties.title = f"Nevenfuncties bestuur en RvC {organisation}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text_cell(cell: Any, value: str) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.data_type = "s"
    if value.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell
