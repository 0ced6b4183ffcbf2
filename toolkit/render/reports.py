"""Text form of integrity-report results: never a reporter's identity unless --reveal."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.render import BAD, OK, WAIT, day, renders
from toolkit.values import counted

ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

if TYPE_CHECKING:
    from toolkit.keys import NewKey
    from toolkit.reports.followup import DeadlineOverview
    from toolkit.reports.manage import UpdateResult
    from toolkit.reports.migrate import MigrationResult
    from toolkit.reports.oral import NewCaseResult, RecordView
    from toolkit.reports.reseal import ResealResult
    from toolkit.reports.views import CaseList, CaseView, Stats


# -- integrity reports (meldingen): never a reporter's identity unless --reveal -------------------------------


@renders("toolkit.reports.views.CaseList")
def _(result: CaseList) -> list[str]:
    waiting = [f"  {WAIT} wacht op de volgende run (meldingen.xlsx is open): {p}" for p in result.pending]
    if not result.cases:
        return ["Geen meldingen in het register.", *waiting]
    lines = [f"{counted(len(result.cases), 'melding', 'meldingen')}:"]
    for case in result.cases:
        received = case.received.strftime("%d-%m-%Y") if case.received else "?"
        due = case.feedback_due.strftime("%d-%m-%Y") if case.feedback_due else "-"
        lines.append(
            f"  {case.number}  {received}  {case.status:<15} {case.pseudonym:<7} terugkoppeling uiterlijk {due}"
        )
        lines.append(f"      {case.subject} | behandelaar: {case.handler or 'nog niet toegewezen'}")
    return lines + waiting


@renders("toolkit.reports.views.CaseView")
def _(result: CaseView) -> list[str]:
    case = result.case
    lines = [f"Zaak {case.number} ({case.pseudonym})", f"  Onderwerp: {case.subject}", f"  Status: {case.status}"]
    lines += [
        f"  Melder is: {case.reporter_kind or '-'}; betreft: {case.concerns or '-'}; behandelaar: {case.handler or '-'}"
    ]
    lines += [
        f"  Ontvangen {day(case.received)}; bevestigd {day(case.acknowledged)}; "
        f"terugkoppeling uiterlijk {day(case.feedback_due)}"
    ]
    lines += ["  Archief:"] + [f"    {ISO_DAY.sub(lambda m: day(m.group(0)), f)}" for f in result.files]
    lines += ["  Notities:"] + [f"    {n}" for n in result.notes] if result.notes else []
    for number, body in enumerate(result.messages, start=1):
        lines += [f"  --- bericht {number} ---", *[f"    {line}" for line in body.splitlines()]]
    if result.identity is not None:
        lines += ["", "  VERTROUWELIJK (ingezien; vastgelegd in het logboek):"]
        lines += [f"    {k}: {v or '-'}" for k, v in result.identity.items()]
    return lines


@renders("toolkit.keys.NewKey")
def _(result: NewKey) -> list[str]:
    return [
        f"{OK} Sleutel gemaakt voor {result.email}.",
        f"  Geheime sleutel (met wachtzin): {result.private_file}  -- bewaar hem zelf, deel hem met niemand.",
        f"  Publieke sleutel: {result.public_file}",
        *(
            ["  Vervangen: draai 'integrity reports reseal --key …' om de zaken opnieuw te versleutelen."]
            if result.replaced
            else []
        ),
    ]


@renders("toolkit.reports.reseal.ResealResult")
def _(result: ResealResult) -> list[str]:
    lines = [
        f"{counted(len(result.resealed), 'zaak', 'zaken')} opnieuw versleuteld "
        f"({counted(result.files, 'bestand', 'bestanden')})."
    ]
    lines += [f"  {OK} {n}" for n in result.resealed]
    lines += [f"  {BAD} {s}" for s in result.skipped]
    return lines


@renders("toolkit.reports.migrate.MigrationResult")
def _(result: MigrationResult) -> list[str]:
    head = "Omgezet" if result.written else "Voorbeeld (er is niets gewijzigd; schrijf met --write)"
    lines = [
        f"{head}: {counted(result.cases, 'zaak', 'zaken')}, {counted(result.files, 'archiefbestand', 'archiefbestanden')}, "
        f"{counted(result.identities, 'identiteit', 'identiteiten')}."
    ]
    lines += [f"  {line}" for line in result.notes]
    return lines


@renders("toolkit.reports.manage.UpdateResult")
def _(result: UpdateResult) -> list[str]:
    lines = [
        f"Zaak {result.case}: "
        + (", ".join(f"{k} = {v}" for k, v in result.changed.items()) or "geen registerwijziging")
    ]
    if result.waiting:
        lines.append(
            f"  {WAIT} meldingen.xlsx is open: de wijziging staat klaar en wordt bij de volgende run geschreven."
        )
    if result.note_added:
        lines.append("  Notitie versleuteld bewaard.")
    if result.hint:
        lines.append(f"  {WAIT} {result.hint}")
    if result.record_confirmed:
        lines.append(f"  {OK} Verslag door de melder bevestigd op {result.record_confirmed:%d-%m-%Y}.")
    if result.message is not None and result.sent:
        lines.append(f"  {OK} Bericht '{result.message.purpose}' aan de melder verstuurd.")
    elif result.message is not None:
        lines += ["", "Voorbeeld (niet verstuurd) aan de melder:", f"Onderwerp: {result.message.subject}", ""]
        lines += result.message.text.splitlines()
        lines += ["", f"Echt versturen: {result.send_command}"]
    return lines


@renders("toolkit.reports.oral.NewCaseResult")
def _(result: NewCaseResult) -> list[str]:
    lines = [
        f"{OK} Zaak {result.case} vastgelegd ({result.channel}, ontvangen {result.received:%d-%m-%Y}, {result.pseudonym})."
    ]
    lines.append("  Identiteit versleuteld bewaard." if result.identity_kept else "  Geen identiteit (anoniem).")
    if result.record:
        lines += [
            f"  Verslag van het gesprek gemaakt: laat het controleren en tekenen (integrity reports record {result.case}),",
            f"  en leg de bevestiging vast: integrity reports update {result.case} --record-confirmed DATUM.",
        ]
    lines += [
        f"  Ontvangst bevestigd in het gesprek of per brief? integrity reports update {result.case} "
        "--acknowledged-on DATUM --how '...'",
        "  Vul in meldingen.xlsx 'Melder is', 'Betreft', 'Betrokkene' en 'Leidinggevende melder' in.",
    ]
    return lines


@renders("toolkit.reports.oral.RecordView")
def _(result: RecordView) -> list[str]:
    return result.text.splitlines()


@renders("toolkit.reports.followup.DeadlineOverview")
def _(result: DeadlineOverview) -> list[str]:
    if not result.deadlines:
        return ["Geen open termijnen."]
    lines = [f"Open termijnen op {result.today:%d-%m-%Y}:"]
    for item in result.deadlines:
        mark = BAD if item.overdue else (WAIT if item.days_left <= 14 else OK)
        when = (
            f"{counted(-item.days_left, 'dag', 'dagen')} te laat"
            if item.overdue
            else f"nog {counted(item.days_left, 'dag', 'dagen')}"
        )
        lines.append(f"  {mark} {item.case} {item.kind:<20} uiterlijk {item.due:%d-%m-%Y} ({when}); {item.handler}")
    return lines


@renders("toolkit.reports.views.Stats")
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
