"""The plain data the board report is computed from: no names, no addresses, no free text, only kinds and dates.

The gateway (toolkit.board.gateway) fills these from the registers; the figures (toolkit.board.figures) read only
these. Whatever identifies a person stops at the gateway.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from toolkit.sidejobs.rules import SideJob

NOT_RECORDED = "niet geregistreerd"


@dataclass(frozen=True)
class CaseFact:
    """One case of the case register, reduced to what the board may see."""

    received: date | None
    channel: str | None
    reporter_kind: str | None
    category: str | None
    status: str
    serious: str | None
    measures: tuple[str, ...]
    regulator: bool | None
    meldpunt: bool | None
    acknowledged: date | None
    feedback_given: date | None
    feedback_due: date | None
    concerns_director: bool = False


@dataclass(frozen=True)
class ReportFacts:
    """The cases, and which optional fields the case register records (the rest shows 'niet geregistreerd')."""

    cases: tuple[CaseFact, ...] = ()
    registered: frozenset[str] = frozenset()  # of: channel, category, meldpunt, feedback


@dataclass(frozen=True)
class GiftFact:
    received: date | None
    decision: str | None
    rules: tuple[str, ...]  # G1..G7 from the register's `Beoordeling`
    department: str  # of the receiver, from the staff register; never the name


@dataclass(frozen=True)
class SupplierFact:
    sent_on: date | None
    reminders: int
    status: str | None
    owner_department: str  # of the contract owner, from the staff register; never the address


@dataclass(frozen=True)
class StaffFact:
    start: date | None
    code_sent_on: date | None
    confirmed_on: date | None
    conversation_on: date | None


@dataclass(frozen=True)
class Facts:
    """Everything the report counts, read once."""

    reports: ReportFacts = field(default_factory=ReportFacts)
    gifts: tuple[GiftFact, ...] = ()
    raffle_years: frozenset[int] = frozenset()
    sidejobs: tuple[SideJob, ...] = ()  # text fields blanked by the gateway
    suppliers: tuple[SupplierFact, ...] = ()
    staff: tuple[StaffFact, ...] = ()
    sent_mail: tuple[tuple[str, date], ...] = ()  # (purpose, day sent) from the send ledger
    meetings: tuple[date, ...] = ()
    decision_days: int = 14
    conversation_weeks: int = 6
    notes: tuple[str, ...] = ()  # what could not be read, said without quoting cells
