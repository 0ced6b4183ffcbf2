"""Text form of the gifts, side-functions and raffle results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.render import BAD, OK, WAIT, mail_preview_lines, renders, send_lines, text
from toolkit.values import counted
from toolkit.values import format_count_nl as number

if TYPE_CHECKING:
    from toolkit.gifts.service import GiftCheckResult
    from toolkit.sidejobs.notify import MailOutcome
    from toolkit.sidejobs.publish import PublishResult
    from toolkit.sidejobs.service import SideJobLine, SideJobReviewResult


def _sidejob_who(line: SideJobLine) -> str:
    where = f"Nr {line.nr}" if line.nr is not None else f"rij {line.excel_row}"
    return f"{where}: {line.employee}, {line.function} bij {line.organisation}"


def _section(title: str, lines: list[str]) -> list[str]:
    if not lines:
        return [f"{OK} {title}: geen"]
    return [f"{BAD} {title} ({sum(1 for line in lines if not line.startswith('      '))})", *lines]


@renders("toolkit.sidejobs.service.SideJobReviewResult")
def _(result: SideJobReviewResult) -> list[str]:
    lines = [
        f"Nevenfuncties beoordeeld op {result.today:%d-%m-%Y}: {counted(result.rows, 'rij', 'rijen')}, "
        f"{result.ok_rows} zonder opmerkingen."
    ]
    lines += _section(
        "Besluit te laat",
        [
            f"    {_sidejob_who(p.line)}: {counted(p.days_waiting, 'dag', 'dagen')}, uiterlijk {p.decide_by:%d-%m-%Y}"
            for p in result.overdue
        ],
    )
    lines += _section(
        "Wacht op besluit",
        [
            f"    {_sidejob_who(p.line)}: {counted(p.days_waiting, 'dag', 'dagen')}, besluit uiterlijk {p.decide_by:%d-%m-%Y}"
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
    if result.preview and result.planned_cells:
        lines.append(
            f"{WAIT} Register niet geschreven: {counted(result.planned_cells, 'cel zou', 'cellen zouden')} veranderen. "
            "Schrijven: integrity sidejobs review --write"
        )
    elif result.write.written:
        lines.append(
            f"Register bijgewerkt: {counted(result.write.cells_changed, 'cel', 'cellen')} in {result.write.register}."
        )
    elif result.write.waiting:
        lines.append(f"{WAIT} Register niet bijgewerkt, de wijziging wacht: {result.write.waiting}")
    else:
        lines.append("Register: niets gewijzigd.")
    return lines + (text(result.mail) if result.mail is not None else [])


@renders("toolkit.sidejobs.notify.MailOutcome")
def _(result: MailOutcome) -> list[str]:
    if result.preview:
        heading = (
            f"Voorbeeld: {counted(len(result.prepared), 'bericht', 'berichten')} klaar om te versturen, "
            f"{len(result.already_sent)} al eerder verstuurd."
        )
        lines = mail_preview_lines(result.prepared, heading)
        return lines + (["Alle berichten ziet u met --json."] if result.prepared else [])
    lines = [f"Mail: {len(result.already_sent)} al eerder verstuurd."] if result.already_sent else []
    lines += send_lines(len(result.sent), [f"{key}: {why}" for key, why in result.failed])
    if result.stopped_early:
        lines.append(f"  {WAIT} {result.stopped_early}")
    return lines


@renders("toolkit.sidejobs.publish.PublishResult")
def _(result: PublishResult) -> list[str]:
    lines = [
        f"Overzicht nevenfuncties bestuur en RvC op {result.published_on:%d-%m-%Y}: "
        f"{counted(len(result.entries), 'nevenfunctie', 'nevenfuncties')}."
    ]
    lines += [f"  {OK} {result.html}", f"  {OK} {result.xlsx}"]
    lines += [f"  {BAD} {note}" for note in result.notes]
    return lines


# -- gifts check ---------------------------------------------------------------------------------------------------


def _gift_line(finding: Any) -> str:
    where = f"Nr {finding.nr}" if finding.nr is not None else "zonder Nr"
    what = f"{finding.employee}: {finding.description or '(geen omschrijving)'} van {finding.giver}"
    return f"    {where} (rij {finding.excel_row}) {what}\n        {finding.verdict}"


def _gift_notify_lines(result: Any) -> list[str]:
    if not result.notify:
        if result.new_findings:
            return [
                "",
                f"{counted(result.new_findings, 'nieuwe bevinding', 'nieuwe bevindingen')}, nog niet gemeld: "
                "integrity gifts check --notify --send",
            ]
        return []
    if result.dry_run or (not result.sent and not result.failed and result.mails):
        heading = f"Voorbeeld: {counted(len(result.mails), 'bericht', 'berichten')} klaar om te versturen."
        return ["", *mail_preview_lines(result.mails, heading, "integrity gifts check --notify --send")]
    lines = [""]
    if not result.mails and not result.failed:
        lines.append("Geen nieuwe bevindingen: niets te melden.")
    return lines + send_lines(result.sent, result.failed)


@renders("toolkit.gifts.service.GiftCheckResult")
def _(result: GiftCheckResult) -> list[str]:
    against, unjudgeable, review = result.against_code, result.unjudgeable, result.for_review
    lines = [
        f"Register geschenken ({result.workbook}): {counted(result.judged, 'rij', 'rijen')} beoordeeld, {number(result.ok_rows)} OK, "
        f"{number(len(against))} tegen de code, {number(len(review))} ter beoordeling, {number(len(unjudgeable))} niet te beoordelen.",
        "Per regel: " + ", ".join(f"{rule} {number(count)}" for rule, count in result.per_rule.items()),
    ]
    lines += [f"{WAIT} {note}" for note in result.notes]
    if against:
        lines += ["", "Tegen de code:"] + [_gift_line(f) for f in against]
    if review:
        lines += ["", "Ter beoordeling door de integriteitsfunctionaris (geen bericht aan leidinggevenden):"]
        lines += [_gift_line(f) for f in review]
    if unjudgeable:
        lines += ["", "Niet te beoordelen (vul de genoemde cel aan of verbeter hem):"] + [
            _gift_line(f) for f in unjudgeable
        ]
    lines.append("")
    if result.waiting:
        lines.append(
            f"{WAIT} {result.workbook} is nu niet te schrijven ({result.waiting}); de beoordeling volgt later."
        )
    elif result.cells_written and result.dry_run:
        lines.append(
            f"{WAIT} Beoordeling zou veranderen in {counted(result.cells_written, 'cel', 'cellen')} van {result.workbook}; niets "
            "geschreven. Schrijven: integrity gifts check --write"
        )
    elif result.cells_written:
        lines.append(
            f"{OK} Beoordeling is bijgewerkt: {counted(result.cells_written, 'cel', 'cellen')} in {result.workbook}."
        )
    else:
        lines.append(f"{OK} Geen beoordeling veranderd; {result.workbook} is niet geschreven.")
    return lines + _gift_notify_lines(result)
