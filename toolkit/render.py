"""Result objects rendered in one place: as text for people, or as JSON for scripts."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from decimal import Decimal
from functools import singledispatch
from pathlib import Path
from typing import Any

import click

from toolkit.audit import Verdict
from toolkit.checks import CheckReport
from toolkit.init import InitResult
from toolkit.nightly import JobReport
from toolkit.sidejobs.notify import MailOutcome
from toolkit.sidejobs.publish import PublishResult
from toolkit.sidejobs.service import SideJobLine, SideJobReviewResult

OK, BAD, WAIT = "✓", "✗", "…"


def emit(result: Any, as_json: bool = False) -> None:
    """Print a result: JSON when asked, else its text form."""
    if as_json:
        click.echo(json.dumps(to_jsonable(result), ensure_ascii=False, indent=2))
    else:
        for line in text(result):
            click.echo(line)


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")
        }
        if hasattr(value, "ok"):
            data["ok"] = value.ok
        return data
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | Path):
        return str(value)
    return value


@singledispatch
def text(result: Any) -> list[str]:
    return [str(result)]


@text.register
def _(result: InitResult) -> list[str]:
    lines = [f"Werkmap aangemaakt in {result.root}" + (" (met fictieve voorbeeldgegevens)" if result.demo else "")]
    lines += [f"  {OK} {item}" for item in result.created]
    lines += ["", "Volgende stap:", f"  cd {result.root} && integrity check"]
    return lines


@text.register
def _(result: CheckReport) -> list[str]:
    lines = []
    for section in result.sections:
        mark = OK if section.ok else BAD
        lines.append(f"{mark} {section.title}" + (f": {section.ok_line}" if section.ok and section.ok_line else ""))
        lines += [f"    - {problem}" for problem in section.problems]
    problems = sum(len(s.problems) for s in result.sections)
    lines.append("")
    lines.append("Alles in orde." if result.ok else f"{problems} punt(en) om op te lossen.")
    return lines


@text.register
def _(result: JobReport) -> list[str]:
    lines = [f"Taak '{result.job}':"]
    for step in result.steps:
        lines.append(f"  {OK if step.ok else BAD} {step.name}: {step.summary}")
        lines += [f"      {detail}" for detail in step.details]
    if result.ok:
        lines.append(f"Klaar: {len(result.steps)} stappen uitgevoerd, geen fouten.")
    else:
        lines.append(f"Klaar met fouten in: {', '.join(result.failed)}.")
    return lines


@text.register
def _(result: Verdict) -> list[str]:
    if result.ok:
        return [f"{OK} Logboek intact: {result.lines} regels, keten klopt."]
    return [f"{BAD} Logboek niet intact: regel {result.bad_line}: {result.why}."]


def _sidejob_who(line: SideJobLine) -> str:
    where = f"Nr {line.nr}" if line.nr is not None else f"rij {line.excel_row}"
    return f"{where}: {line.employee}, {line.function} bij {line.organisation}"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{OK} {title}: geen"]
    return [f"{BAD} {title} ({sum(1 for line in lines if not line.startswith('      '))})", *lines]


@text.register
def _(result: SideJobReviewResult) -> list[str]:
    lines = [
        f"Nevenfuncties beoordeeld op {result.today:%d-%m-%Y}: {result.rows} rij(en), {result.ok_rows} zonder opmerkingen."
    ]
    lines += _section(
        "Besluit te laat",
        [
            f"    {_sidejob_who(p.line)}: {p.days_waiting} dagen, uiterlijk {p.decide_by:%d-%m-%Y}"
            for p in result.overdue
        ],
    )
    lines += _section(
        "Wacht op besluit",
        [
            f"    {_sidejob_who(p.line)}: {p.days_waiting} dagen, besluit uiterlijk {p.decide_by:%d-%m-%Y}"
            for p in result.pending
        ],
    )
    lines += _section(
        "Herbevestigen",
        [
            f"    {_sidejob_who(r.line)}: sinds {r.due_on:%d-%m-%Y}; herinnering: {r.reminder}"
            for r in result.reconfirmations
        ],
    )
    conflicts = []
    for c in result.conflicts:
        conflicts.append(
            f"    {_sidejob_who(c.line)}: leverancier '{c.supplier}'; risico nu {c.current_risk or 'leeg'}, voorgesteld {c.suggested_risk}"
        )
    lines += _section("Mogelijk belangenconflict", conflicts)
    other = []
    for o in result.other:
        other += [f"    {_sidejob_who(o.line)}:", *(f"      {finding}" for finding in o.findings)]
    lines += _section("Overige punten", other)
    lines += _section(
        "Niet te beoordelen",
        [f"    rij {u.line.excel_row} ({u.line.employee}): {'; '.join(u.problems)}" for u in result.unjudged],
    )
    lines += [f"  Let op: {note}" for note in result.notes]
    if result.write.written:
        lines.append(f"Register bijgewerkt: {result.write.cells_changed} cel(len) in {result.write.register}.")
    elif result.write.waiting:
        lines.append(f"{WAIT} Register niet bijgewerkt, de wijziging wacht: {result.write.waiting}")
    else:
        lines.append("Register: niets gewijzigd.")
    return lines + (text(result.mail) if result.mail is not None else [])


@text.register
def _(result: MailOutcome) -> list[str]:
    if result.preview:
        lines = [
            f"Voorbeeld: {len(result.prepared)} bericht(en) klaar om te versturen, {len(result.already_sent)} al eerder verstuurd."
        ]
        if result.prepared:
            first = result.prepared[0]
            lines += [
                "",
                "Eerste bericht:",
                f"Aan: {', '.join(first.to)}",
                f"Onderwerp: {first.subject}",
                "",
                first.text.rstrip(),
            ]
            lines += ["", "Alle berichten ziet u met --json."]
        return lines
    lines = [
        f"Mail: {len(result.sent)} verstuurd, {len(result.already_sent)} al eerder verstuurd, {len(result.failed)} mislukt."
    ]
    lines += [f"  {BAD} {key}: {why}" for key, why in result.failed]
    if result.stopped_early:
        lines.append(f"  {WAIT} {result.stopped_early}")
    return lines


@text.register
def _(result: PublishResult) -> list[str]:
    lines = [
        f"Overzicht nevenfuncties bestuur en RvC op {result.published_on:%d-%m-%Y}: {len(result.entries)} nevenfunctie(s)."
    ]
    lines += [f"  {OK} {result.html}", f"  {OK} {result.xlsx}"]
    lines += [f"  {BAD} {note}" for note in result.notes]
    return lines
