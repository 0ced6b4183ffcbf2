"""Notifications of the gifts check: each new finding to the employee's manager, and one digest for the officer.

Only findings *in strijd* with the code go to the manager; findings *ter beoordeling* and *niet te beoordelen*
are for the integrity officer's digest alone.

Each finding is an item in the send ledger twice: once for the manager's mail, once for the officer's digest, so
each recipient hears of it once (the ledger read in one query per run). A finding notified before the ledger kept
items per recipient is in it under its bare key, which counts for both. Several findings for one manager in a run
reach them as one mail: the mail seam (toolkit.mail.digest) groups per recipient and purpose.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from toolkit.gifts.keys import finding_key
from toolkit.gifts.rules import IN_BREACH, UNJUDGEABLE
from toolkit.registers.schema import GIFTS
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace

UNKNOWN_MANAGER = "leidinggevende onbekend"
ONLY_OFFICER = "niemand anders: ter beoordeling door u"
FINDING_KIND = "geschenk_bevinding"
DIGEST_KIND = "geschenken_overzicht"

# What each rule means, in plain Dutch (used in the mails and the README).
RULE_MEANING = MappingProxyType(
    {
        "G1": "Geld, fooien, cadeaubonnen en dergelijke worden nooit aangenomen.",
        "G2": "Alleen kleine geschenken (minder dan de grens, standaard € 25) mogen worden aangenomen.",
        "G3": "Geschenken worden nooit op een privéadres bezorgd.",
        "G4": "Een aangenomen klein geschenk wordt ter beschikking van de hele organisatie gesteld.",
        "G5": "Van een relatie waarmee wordt onderhandeld, op wie toezicht wordt gehouden of die actief "
        "leverancier is, wordt niets aangenomen.",
        "G6": "Kerstgeschenken worden centraal ingeleverd en verloot of gedeeld onder alle medewerkers.",
        "G7": "Een uitnodiging wordt alleen na overleg met de leidinggevende aangenomen; een reis altijd "
        "alleen met toestemming.",
    }
)


@dataclass(frozen=True, slots=True)
class GiftFinding:
    """A row against the code, or one that can't be judged; `key` is '' while the row has no Nr."""

    nr: int | None
    excel_row: int
    employee: str
    giver: str
    description: str
    verdict: str
    rules: tuple[str, ...]
    manager: str | None
    key: str
    new: bool
    weight: str = IN_BREACH  # IN_BREACH (the manager is told), FOR_REVIEW or UNJUDGEABLE (integrity officer only)


def _unjudgeable_key(nr: int, verdict: str) -> str:
    return hashlib.sha256(f"niet-te-beoordelen\n{nr}\n{verdict}".encode()).hexdigest()


def _manager_item(key: str) -> str:
    return f"{key}:leidinggevende"


def _digest_item(key: str) -> str:
    return f"{key}:overzicht"


def finding(item: Any, managers: Mapping[str, str]) -> GiftFinding:
    nr = item.row.nr
    key = ""
    if nr is not None:
        key = finding_key(nr, item.gift, item.judgement) if item.judgement else _unjudgeable_key(nr, item.verdict)
    rules = tuple(v.rule for v in item.judgement.violations) if item.judgement else ()
    return GiftFinding(
        nr=nr,
        excel_row=item.row.excel_row,
        employee=item.gift.employee,
        giver=item.gift.giver,
        description=item.gift.description,
        verdict=item.verdict,
        rules=rules,
        manager=managers.get(name_key(item.gift.employee)),
        key=key,
        new=False,
        weight=item.judgement.weight if item.judgement else UNJUDGEABLE,
    )


def with_news(ws: Workspace, findings: list[GiftFinding]) -> list[tuple[GiftFinding, bool, bool]]:
    """Each finding with (new for its manager, new for the digest), the ledger read in one query."""
    lookups: set[str] = set()
    for f in findings:
        if f.key:
            lookups.update((f.key, _manager_item(f.key), _digest_item(f.key), f"geschenk-bevinding:{f.key}"))
    done = ws.state.delivered_among(lookups) if lookups else set()
    result = []
    for f in findings:
        if not f.key:
            result.append((f, False, False))
            continue
        legacy = f.key in done
        for_manager = bool(f.manager and f.weight == IN_BREACH) and not (
            legacy or _manager_item(f.key) in done or f"geschenk-bevinding:{f.key}" in done
        )
        for_digest = not (legacy or _digest_item(f.key) in done)
        new = for_manager or for_digest
        result.append((f if f.new == new else replace(f, new=new), for_manager, for_digest))  # most are old news
    return result


def _finding_mail(ws: Workspace, item: Any, finding: GiftFinding) -> OutgoingMail:
    gift = item.gift
    assert item.judgement is not None and finding.manager is not None
    context = {
        "organisatie": ws.config.organisation.name,
        "register": GIFTS.filename,
        "nr": finding.nr,
        "medewerker": gift.employee,
        "gever": gift.giver,
        "soort": gift.kind or "",
        "omschrijving": gift.description,
        "waarde": gift.value if gift.value is not None else "",
        "datum": gift.received,
        "besluit": gift.decision or "",
        "bevindingen": [
            {"regel": v.rule, "reden": v.reason, "uitleg": RULE_MEANING[v.rule]} for v in item.judgement.violations
        ],
    }
    return ws.templates.mail(
        FINDING_KIND,
        context,
        ws.config.organisation.language,
        key=f"geschenk-bevinding:{finding.key}",
        to=(finding.manager,),
        audit_ref=f"{GIFTS.filename} Nr {finding.nr}",
        covers=(_manager_item(finding.key),),
    )


def _digest_mails(
    ws: Workspace, new: Sequence[GiftFinding], new_unjudgeable: Sequence[GiftFinding]
) -> list[OutgoingMail]:
    """The officer's digest; when it would be too large to send (a first run over years of rows), several, each
    listing its own part of the findings ("deel 1 van 3")."""
    from toolkit.mail.digest import sized_parts

    entries = [*((f, True) for f in new), *((f, False) for f in new_unjudgeable)]
    parts = sized_parts(entries, lambda entry: _digest_chars(entry[0]))
    return [
        _digest_mail(ws, [f for f, judged in part if judged], [f for f, judged in part if not judged], n, len(parts))
        for n, part in enumerate(parts, start=1)
    ]


def _digest_chars(f: GiftFinding) -> int:
    """A generous estimate of what one finding adds to the digest's text and HTML together."""
    return 4 * (100 + len(f.employee) + len(f.giver) + len(f.description) + len(f.verdict) + len(f.manager or ""))


def _digest_mail(
    ws: Workspace, new: Sequence[GiftFinding], new_unjudgeable: Sequence[GiftFinding], part: int, parts: int
) -> OutgoingMail:
    from toolkit.mail.digest import part_label
    from toolkit.mail.message import OutgoingMail

    context = {
        "organisatie": ws.config.organisation.name,
        "register": GIFTS.filename,
        "datum": ws.today,
        "aantal": len(new),
        "bevindingen": [
            {
                "nr": f.nr,
                "medewerker": f.employee,
                "gever": f.giver,
                "omschrijving": f.description,
                "beoordeling": f.verdict,
                "leidinggevende": (f.manager or UNKNOWN_MANAGER) if f.weight == IN_BREACH else ONLY_OFFICER,
            }
            for f in new
        ],
        "niet_te_beoordelen": [{"nr": f.nr, "rij": f.excel_row, "beoordeling": f.verdict} for f in new_unjudgeable],
    }
    rendered = ws.templates.render(DIGEST_KIND, context, ws.config.organisation.language)
    keys = "\n".join(sorted(f.key for f in (*new, *new_unjudgeable)))
    return OutgoingMail(
        key=f"geschenken-overzicht:{hashlib.sha256(keys.encode()).hexdigest()}",
        purpose=DIGEST_KIND,
        to=(ws.config.organisation.integrity_officer,),
        subject=rendered.subject + part_label(part, parts),
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{GIFTS.filename}: {counted(len(new), 'bevinding', 'bevindingen')}, "
        f"{len(new_unjudgeable)} niet te beoordelen",
        covers=tuple(_digest_item(f.key) for f in (*new, *new_unjudgeable)),
    )


def mails_for(
    ws: Workspace, flagged: Sequence[Any], news: Sequence[tuple[GiftFinding, bool, bool]]
) -> tuple[OutgoingMail, ...]:
    """One mail per new finding to its manager (the mail seam makes one digest per manager) and the officer's digest."""
    mails = [
        _finding_mail(ws, item, f)
        for item, (f, for_manager, _) in zip(flagged, news, strict=True)
        if for_manager and item.judgement is not None
    ]
    in_digest = [(item, f) for item, (f, _, for_digest) in zip(flagged, news, strict=True) if for_digest]
    if in_digest:
        violations = [f for item, f in in_digest if item.judgement is not None]
        unjudgeable = [f for item, f in in_digest if item.judgement is None]
        mails += _digest_mails(ws, violations, unjudgeable)
    return tuple(mails)


def name_key(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()
