"""Text form of the gifts, side-functions and raffle results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.render import BAD, OK, WAIT, renders, text

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


@renders("toolkit.sidejobs.notify.MailOutcome")
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


@renders("toolkit.sidejobs.publish.PublishResult")
def _(result: PublishResult) -> list[str]:
    lines = [
        f"Overzicht nevenfuncties bestuur en RvC op {result.published_on:%d-%m-%Y}: {len(result.entries)} nevenfunctie(s)."
    ]
    lines += [f"  {OK} {result.html}", f"  {OK} {result.xlsx}"]
    lines += [f"  {BAD} {note}" for note in result.notes]
    return lines


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


@renders("toolkit.gifts.service.GiftCheckResult")
def _(result: GiftCheckResult) -> list[str]:
    against, unjudgeable, review = result.against_code, result.unjudgeable, result.for_review
    lines = [
        f"Register geschenken ({result.workbook}): {result.judged} rij(en) beoordeeld, {result.ok_rows} OK, "
        f"{len(against)} tegen de code, {len(review)} ter beoordeling, {len(unjudgeable)} niet te beoordelen.",
        "Per regel: " + ", ".join(f"{rule} {count}" for rule, count in result.per_rule.items()),
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
    elif result.cells_written:
        verb = "zou" if result.dry_run else "is"
        lines.append(f"{OK} Beoordeling {verb} bijgewerkt: {result.cells_written} cel(len) in {result.workbook}.")
    else:
        lines.append(f"{OK} Geen beoordeling veranderd; {result.workbook} is niet geschreven.")
    return lines + _gift_notify_lines(result)
