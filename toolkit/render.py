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


# -- integrity reports (meldingen): never a reporter's identity unless --reveal -------------------------------
from toolkit.reports.followup import DeadlineOverview  # noqa: E402
from toolkit.reports.manage import CaseList, CaseView, Stats, UpdateResult  # noqa: E402


@text.register
def _(result: CaseList) -> list[str]:
    if not result.cases:
        return ["Geen meldingen in het register."]
    lines = [f"{len(result.cases)} melding(en):"]
    for case in result.cases:
        received = case.received.strftime("%d-%m-%Y") if case.received else "?"
        due = case.feedback_due.strftime("%d-%m-%Y") if case.feedback_due else "-"
        lines.append(
            f"  {case.number}  {received}  {case.status:<15} {case.pseudonym:<7} terugkoppeling uiterlijk {due}"
        )
        lines.append(f"      {case.subject} | behandelaar: {case.handler or 'nog niet toegewezen'}")
    return lines


@text.register
def _(result: CaseView) -> list[str]:
    case = result.case
    lines = [f"Zaak {case.number} ({case.pseudonym})", f"  Onderwerp: {case.subject}", f"  Status: {case.status}"]
    lines += [
        f"  Melder is: {case.reporter_kind or '-'}; betreft: {case.concerns or '-'}; behandelaar: {case.handler or '-'}"
    ]
    lines += [
        f"  Ontvangen {case.received or '-'}; bevestigd {case.acknowledged or '-'}; terugkoppeling uiterlijk {case.feedback_due or '-'}"
    ]
    lines += ["  Archief:"] + [f"    {f}" for f in result.files]
    lines += ["  Notities:"] + [f"    {n}" for n in result.notes] if result.notes else []
    if result.identity is not None:
        lines += ["", "  VERTROUWELIJK (ingezien; vastgelegd in het logboek):"]
        lines += [f"    {k}: {v or '-'}" for k, v in result.identity.items()]
        for number, body in enumerate(result.messages, start=1):
            lines += [f"  --- bericht {number} ---", *[f"    {line}" for line in body.splitlines()]]
    return lines


@text.register
def _(result: UpdateResult) -> list[str]:
    lines = [
        f"Zaak {result.case}: "
        + (", ".join(f"{k} = {v}" for k, v in result.changed.items()) or "geen registerwijziging")
    ]
    if result.note_added:
        lines.append("  Notitie versleuteld bewaard.")
    if result.message is not None and result.sent:
        lines.append(f"  {OK} Bericht '{result.message.purpose}' aan de melder verstuurd.")
    elif result.message is not None:
        lines += ["", "Voorbeeld (niet verstuurd) aan de melder:", f"Onderwerp: {result.message.subject}", ""]
        lines += result.message.text.splitlines()
        lines += ["", f"Echt versturen: {result.send_command}"]
    return lines


@text.register
def _(result: DeadlineOverview) -> list[str]:
    if not result.deadlines:
        return ["Geen open termijnen."]
    lines = [f"Open termijnen op {result.today:%d-%m-%Y}:"]
    for item in result.deadlines:
        mark = BAD if item.overdue else (WAIT if item.days_left <= 14 else OK)
        when = f"{-item.days_left} dag(en) te laat" if item.overdue else f"nog {item.days_left} dag(en)"
        lines.append(f"  {mark} {item.case} {item.kind:<20} uiterlijk {item.due:%d-%m-%Y} ({when}); {item.handler}")
    return lines


@text.register
def _(result: Stats) -> list[str]:
    lines = [f"Meldingen in {result.period}: {result.total}"]
    for title, counts in (
        ("Per status", result.by_status),
        ("Melder is", result.by_reporter),
        ("Betreft", result.by_concerns),
        ("Ontvangstbevestiging", result.acknowledgement),
        ("Terugkoppeling", result.feedback),
    ):
        lines.append(f"  {title}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "-"))
    return lines
