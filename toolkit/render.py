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
from toolkit.gifts.service import GiftCheckResult
from toolkit.init import InitResult
from toolkit.nightly import JobReport
from toolkit.raffle.service import RaffleDrawResult, RaffleNotifyResult, RaffleVerifyResult

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


# -- gifts check ---------------------------------------------------------------------------------------------------


def _gift_line(finding: Any) -> str:
    where = f"Nr {finding.nr}" if finding.nr is not None else "zonder Nr"
    what = f"{finding.employee}: {finding.description or '(geen omschrijving)'} van {finding.giver}"
    return f"    {where} (rij {finding.excel_row}) {what}\n        {finding.verdict}"


def _mail_preview_lines(mails: Any, heading: str) -> list[str]:
    if not mails:
        return []
    first, rest = mails[0], mails[1:]
    lines = ["", heading, f"--- eerste bericht, aan {', '.join(first.to)} ---", f"Onderwerp: {first.subject}", ""]
    lines += first.text.rstrip().splitlines()
    lines.append("---")
    lines += [f"  ook aan {', '.join(m.to)}: {m.subject}" for m in rest]
    return lines


def _gift_notify_lines(result: Any) -> list[str]:
    if not result.notify:
        if result.new_findings:
            return ["", f"{result.new_findings} nieuwe bevinding(en), nog niet gemeld: integrity gifts check --notify"]
        return []
    if result.dry_run:
        heading = f"Proefdraai: niets geschreven, niets verstuurd. Zou {len(result.mails)} bericht(en) versturen."
        return [
            *_mail_preview_lines(result.mails, heading),
            "Echt uitvoeren (zonder --dry-run): integrity gifts check --notify",
        ]
    lines = [""]
    if not result.mails:
        lines.append("Geen nieuwe bevindingen: niets te melden.")
    else:
        lines.append(
            f"{OK} {result.sent} bericht(en) verstuurd ({len(result.mails)} afgeleverd of al eerder verstuurd)."
        )
    lines += [f"{BAD} niet verstuurd: {why}" for why in result.failed]
    return lines


@text.register
def _(result: GiftCheckResult) -> list[str]:
    against, unjudgeable = result.against_code, result.unjudgeable
    lines = [
        f"Register geschenken ({result.workbook}): {result.judged} rij(en) beoordeeld, {result.ok_rows} OK, "
        f"{len(against)} tegen de code, {len(unjudgeable)} niet te beoordelen.",
        "Per regel: " + ", ".join(f"{rule} {count}" for rule, count in result.per_rule.items()),
    ]
    lines += [f"{WAIT} {note}" for note in result.notes]
    if against:
        lines += ["", "Tegen de code:"] + [_gift_line(f) for f in against]
    if unjudgeable:
        lines += ["", "Niet te beoordelen (vul de genoemde cel aan of verbeter hem):"] + [
            _gift_line(f) for f in unjudgeable
        ]
    lines.append("")
    if result.waiting:
        lines.append(
            f"{WAIT} {result.workbook} is nu niet te schrijven ({result.waiting}); de beoordeling volgt later."
        )
    elif result.cells_written:
        verb = "zou" if result.dry_run else "is"
        lines.append(f"{OK} Beoordeling {verb} bijgewerkt: {result.cells_written} cel(len) in {result.workbook}.")
    else:
        lines.append(f"{OK} Geen beoordeling veranderd; {result.workbook} is niet geschreven.")
    return lines + _gift_notify_lines(result)


# -- Christmas raffle ----------------------------------------------------------------------------------------------


@text.register
def _(result: RaffleNotifyResult) -> list[str]:
    lines = [f"{WAIT} zonder e-mailadres, niet gemaild: {who}" for who in result.no_email]
    if not result.mails:
        return [*lines, "Geen winnaars met een e-mailadres: niets te versturen."]
    if not result.send:
        heading = f"Voorbeeld: {len(result.mails)} bericht(en) aan winnaars, niets verstuurd."
        send = f"Versturen: integrity raffle notify --year {result.year} --send"
        return [*_mail_preview_lines(result.mails, heading), *lines, send]
    lines.insert(
        0, f"{OK} {result.sent} bericht(en) aan winnaars verstuurd, {result.already_sent} al eerder verstuurd."
    )
    return lines + [f"{BAD} niet verstuurd: {why}" for why in result.failed]


@text.register
def _(result: RaffleDrawResult) -> list[str]:
    lines = []
    if result.retired_sheet:
        lines.append(
            f"{OK} Oude uitslag bewaard als blad '{result.retired_sheet}'; reden in het logboek: {result.reason}"
        )
    lines += [
        f"{OK} Kerstloting {result.year} getrokken: {result.gifts} geschenk(en) onder {result.participants} deelnemer(s) "
        f"(in dienst op {result.participants_on.isoformat()}).",
        f"  Vastgelegd in {result.workbook}, blad '{result.sheet}', om {result.drawn_at}.",
        f"  Seed: {result.seed}   algoritme: {result.algorithm}",
        f"  Pool-digest: {result.pool_digest}",
        f"  Deelnemers-digest: {result.participants_digest}",
        "",
    ]
    lines += [f"  Nr {w.gift_nr}: {w.gift} ({w.giver}) -> {w.winner} ({w.number})" for w in result.winners]
    lines += ["", f"Narekenen: integrity raffle verify --year {result.year}"]
    if result.notification is None:
        lines.append(f"Winnaars mailen: integrity raffle notify --year {result.year} (voorbeeld), daarna met --send")
        return lines
    return lines + ["", *text(result.notification)]


@text.register
def _(result: RaffleVerifyResult) -> list[str]:
    if result.ok:
        return [
            f"{OK} Kerstloting {result.year} klopt: de uitslag in {result.workbook} (blad '{result.sheet}') is precies "
            f"wat de trekking geeft ({result.gifts} geschenk(en), {result.participants} deelnemer(s))."
        ]
    lines = [f"{BAD} Kerstloting {result.year} klopt niet: {result.differences[0]}"]
    return lines + [f"    ook: {difference}" for difference in result.differences[1:]]
