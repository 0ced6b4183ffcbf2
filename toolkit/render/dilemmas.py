"""Text form of the agenda reminders (integrity dilemmas agenda) and the housing check (integrity housing check)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, renders
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.dilemmas.service import AgendaResult
    from toolkit.housing.service import HousingResult

NAMES = {"team": "teamoverleg", "mt": "MT", "rvc": "RvC", "staff": "medewerkersbijeenkomst"}


@renders("toolkit.dilemmas.service.AgendaResult")
def _(result: AgendaResult) -> list[str]:
    lines = ["Integriteit op de agenda:"]
    for line in result.lines:
        state = f"{OK} besproken" if line.done else f"{WAIT} nog geen datum in Besproken"
        if line.period == "-":
            state = "nu geen periode (nog niet aan de beurt)"
        lines.append(f"  {NAMES[line.agenda]:<24} periode {line.period:<11} {state}")
    lines += [f"  {WAIT} {note}" for note in result.notes]
    verb = "Zou versturen" if result.preview else "Verstuurd"
    lines.append(f"{verb}: {counted(len(result.mails), 'bericht', 'berichten')}.")
    lines += [f"  Aan {', '.join(to)}: {subject}" for to, subject in result.mails]
    lines += [f"  {BAD} {failure}" for failure in result.failed]
    if result.preview and result.mails:
        lines.append("Er is niets verstuurd. Versturen: integrity dilemmas agenda --send")
    return lines


@renders("toolkit.housing.service.HousingResult")
def _(result: HousingResult) -> list[str]:
    rows, findings = counted(result.rows, "rij", "rijen"), counted(len(result.findings), "bevinding", "bevindingen")
    lines = [f"{result.workbook}: {rows}, {result.ok_rows} OK, {findings}."]
    for found in result.findings:
        to = found.to or "geen ontvanger ingesteld"
        new = "nieuw" if found.new else "al gemeld"
        lines.append(f"  {BAD} Nr {found.nr or '-'} {found.employee}: {found.verdict} (aan {to}; {new})")
    lines += [f"  {WAIT} {line}" for line in result.unjudged]
    lines += [f"  {WAIT} {note}" for note in result.notes]
    if result.waiting:
        lines.append(f"  {WAIT} wacht: {result.waiting}")
    written = "zou schrijven" if result.preview else "geschreven"
    lines.append(f"Beoordeling: {counted(result.cells, 'cel', 'cellen')} {written}.")
    verb = "Zou versturen" if result.preview else "Verstuurd"
    lines.append(f"{verb}: {counted(len(result.mails), 'bericht', 'berichten')}.")
    lines += [f"  Aan {', '.join(m.to)}: {m.subject}" for m in result.mails]
    lines += [f"  {BAD} {failure}" for failure in result.failed]
    if result.preview:
        lines.append("Er is niets geschreven of verstuurd. Schrijven en versturen: integrity housing check --send")
    return lines
