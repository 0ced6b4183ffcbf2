"""Reading cases: the list (with the changes still waiting for Excel to close), one case (what a key may open; with
`--reveal` also who reported, which leaves a line in the audit trail), and anonymous counts for the RvC agenda.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.reports.access import find_case, holders_of, require_content, require_identity
from toolkit.reports.cases import Case, case_archive, case_register, load_cases
from toolkit.reports.feedback import os_user

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.workspace import Workspace


@dataclass(frozen=True)
class CaseList:
    cases: tuple[Case, ...]
    pending: tuple[str, ...] = ()  # queued register changes (case: columns), applied by the next run

    @property
    def ok(self) -> bool:
        return True


def list_cases(ws: Workspace, key: PrivateKey | None = None) -> CaseList:
    """Every case in the register with the changes still waiting for Excel to close; with a key, only its cases."""
    cases = load_cases(ws)
    if key is not None:
        cases = [c for c in cases if key.email in holders_of(ws, c).content]
    pending = tuple(f"{case}: {', '.join(columns)}" for case, columns in case_register(ws).pending())
    return CaseList(tuple(cases), pending)


@dataclass(frozen=True)
class CaseView:
    """One case; `identity` and `messages` only with --reveal (then logged)."""

    case: Case
    files: tuple[str, ...]
    identity: dict[str, Any] | None = None
    messages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return True


def show_case(ws: Workspace, number: str, *, reveal: bool = False, key: PrivateKey | None = None) -> CaseView:
    """The case as in the register; with a key what it may open (files, notes, texts); with reveal also who."""
    case = find_case(ws, number)
    archive = case_archive(ws)
    if key is None:
        if reveal:
            require_identity(ws, case, key, "--reveal")
        count = len(archive.files(case.number))
        return CaseView(case, (f"{count} versleutelde bestanden (open met --key BESTAND)",))
    require_content(ws, case, key, "de inhoud van de zaak")
    entries = archive.log(case.number, key)
    files = tuple(
        f"bericht {e.number}, {e.received[:10]}: {f.role}, {f.size} bytes{', ' + f.note if f.note else ''}"
        for e in entries
        for f in e.files
        if f.role != "bericht"
    )
    notes = tuple(archive.notes(case.number, key))
    texts = tuple(
        archive.read(case.number, f.stored_as, key).decode("utf-8")
        for e in entries
        for f in e.files
        if f.role == "tekst" and f.stored_as
    )
    attachments = tuple(
        f"bijlage {f.name} ({f.size} bytes, sha256 {f.sha256[:16]}…){' ' + f.note if f.note else ''}"
        for e in entries
        for f in e.files
        if f.role == "bijlage"
    )
    if not reveal:
        return CaseView(case, files + attachments, messages=texts, notes=notes)
    require_identity(ws, case, key, "--reveal")
    identity = archive.identity(case.number, key)
    ws.audit.record("reports.revealed", actor=os_user(), target=case.number, via=ws.actor, key=key.email)
    shown = {k: identity.get(k) for k in ("Naam", "E-mail", "Taal")}
    return CaseView(case, files + attachments, shown, texts, notes)


@dataclass(frozen=True)
class Stats:
    """Anonymous counts for the RvC agenda: no names, no subjects."""

    period: str
    total: int
    by_status: dict[str, int]
    by_reporter: dict[str, int]
    by_concerns: dict[str, int]
    acknowledgement: dict[str, int]
    feedback: dict[str, int]

    @property
    def ok(self) -> bool:
        return True


def _period(text: str) -> tuple[date, date]:
    try:
        year = int(text[:4])
        if len(text) == 4:
            return date(year, 1, 1), date(year, 12, 31)
        quarter = int(text[5:]) if text[4].upper() == "Q" and len(text) == 6 else 0
        if 1 <= quarter <= 4:
            start = date(year, 3 * quarter - 2, 1)
            end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
            return start, end - timedelta(days=1)
    except (ValueError, IndexError):
        pass
    raise InputError(
        f"--period '{text}' is geen jaar of kwartaal.", hint="bijvoorbeeld --period 2026 of --period 2026Q3."
    )


def _met(done: date | None, due: date, today: date) -> str:
    if done is not None:
        return "op tijd" if done <= due else "te laat"
    return "te laat" if today > due else "loopt nog"


def stats(ws: Workspace, period: str) -> Stats:
    from collections import Counter

    from toolkit.reports.deadlines import acknowledgement_due, feedback_due_for

    start, end = _period(period)
    cases = [c for c in load_cases(ws) if c.received and start <= c.received <= end]
    ack: Counter[str] = Counter()
    feedback: Counter[str] = Counter()
    for case in cases:
        received = case.received
        assert received is not None  # filtered above
        ack[_met(case.acknowledged, acknowledgement_due(received), ws.today)] += 1
        due = feedback_due_for(received, case.acknowledged)
        closed_without = case.feedback_given is None and case.closed is not None  # closing is no feedback
        feedback[
            "afgesloten zonder terugkoppeling" if closed_without else _met(case.feedback_given, due, ws.today)
        ] += 1
    return Stats(
        period,
        len(cases),
        dict(Counter(c.status for c in cases)),
        dict(Counter(c.reporter_kind or "niet ingevuld" for c in cases)),
        dict(Counter(c.concerns or "niet ingevuld" for c in cases)),
        dict(ack),
        dict(feedback),
    )
