"""The inbox pipeline shared by supplier replies, staff confirmations and integrity reports.

Each new message is parsed once from raw MIME and offered to the handlers in order; the first that
recognises it handles it. Work is collected first (register updates, mails to send), then carried out,
and only then is each message marked processed and moved to the processed folder. A run killed half-way
is simply repeated: handlers are idempotent, mail goes through the exactly-once ledger, and a message
already marked processed but not yet moved is only moved.

Messages no handler recognises stay in the inbox for a person (`integrity inbox unmatched`).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.mail.backend import InboundRef

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.mailsort.parse import ParsedMail
    from toolkit.registers.reader import Table
    from toolkit.registers.schema import Register
    from toolkit.registers.writer import CellUpdate
    from toolkit.workspace import Workspace

UNMATCHED = "niet herkend"
ALREADY = "al verwerkt"


@dataclass(frozen=True)
class Inbound:
    """One message as every handler sees it."""

    ref: InboundRef
    raw: bytes
    mail: ParsedMail
    key: str  # stable: mailbox + Message-ID (or a digest of the bytes when there is none)


@dataclass(frozen=True)
class Handled:
    """What a handler made of a message. `note` is non-identifying: it may reach logs and the audit trail."""

    sort: str
    note: str = ""
    move: bool = True
    confidential: bool = False  # an integrity report: the audit trail gets the message key, not the Message-ID


Handler = Callable[["InboxRun", Inbound], "Handled | None"]


@dataclass
class InboxRun:
    """The shared context of one pass: cached register tables, collected updates and mails."""

    ws: Workspace
    updates: dict[str, list[CellUpdate]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    outgoing: list[OutgoingMail] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)  # extra work after the mails went out
    _tables: dict[str, Table] = field(default_factory=dict)

    def table(self, register: Register) -> Table:
        """The register as read at the start of this pass (read once)."""
        from toolkit.registers.reader import read_register

        if register.key not in self._tables:
            table = read_register(self.ws.register_path(register), register)
            self._tables[register.key] = table
            self.fingerprints[register.key] = table.fingerprint
        return self._tables[register.key]

    def update(self, register: Register, updates: list[CellUpdate]) -> None:
        self.updates.setdefault(register.key, []).extend(updates)

    def send(self, mail: OutgoingMail) -> None:
        self.outgoing.append(mail)


@dataclass
class InboxReport:
    """Counts per sort, and what was left for a person."""

    mailbox: str
    counts: Counter[str] = field(default_factory=Counter)
    unmatched: list[str] = field(default_factory=list)  # subjects (shared mailbox only) or message keys
    saved: list[Any] = field(default_factory=list)
    send_report: Any = None

    @property
    def received(self) -> int:
        return sum(self.counts.values())

    @property
    def ok(self) -> bool:
        return self.send_report is None or self.send_report.ok


def message_key(mailbox: str, raw: bytes, message_id: str) -> str:
    """mailbox + SHA-256 of the Message-ID (or of the bytes): the state store never holds a sender's Message-ID."""
    ident = message_id.strip()
    digest = hashlib.sha256(ident.encode("utf-8") if ident else raw).hexdigest()
    return f"{mailbox}:sha256:{digest}"


def process_mailbox(ws: Workspace, mailbox: str, handlers: list[Handler], *, show_subjects: bool = True) -> InboxReport:
    """Sort every new message of one mailbox; carry out the work; then mark and move what was handled."""
    from toolkit.mailsort.parse import parse_mail

    run, report = InboxRun(ws), InboxReport(mailbox)
    handled: list[tuple[Inbound, Handled]] = []
    for ref in ws.backend.list_new(mailbox):
        raw = ws.backend.fetch_raw(ref)
        mail = parse_mail(raw)
        inbound = Inbound(ref, raw, mail, message_key(mailbox, raw, mail.message_id))
        if ws.state.is_processed(inbound.key) and _outcome(ws, inbound.key) != UNMATCHED:
            ws.backend.move_processed(ref)  # marked before a crash, not yet moved
            report.counts[ALREADY] += 1
            continue
        result = _first_match(run, inbound, handlers)
        report.counts[result.sort] += 1
        if result.sort == UNMATCHED:
            report.unmatched.append(mail.subject if show_subjects else inbound.key)
        handled.append((inbound, result))
    _carry_out(run, report)
    for inbound, result in handled:
        if result.move or result.sort == UNMATCHED:  # a message kept for another run is offered again next time
            ws.state.mark_processed(inbound.key, result.sort)
        if result.move:
            ws.backend.move_processed(inbound.ref)
            ws.audit.record(
                "mail.processed",
                actor=ws.actor,
                target=inbound.key if result.confidential else (inbound.mail.message_id or inbound.key),
                sort=result.sort,
                note=result.note or None,
            )
    return report


def _first_match(run: InboxRun, inbound: Inbound, handlers: list[Handler]) -> Handled:
    for handler in handlers:
        result = handler(run, inbound)
        if result is not None:
            return result
    return Handled(UNMATCHED, move=False)


def _carry_out(run: InboxRun, report: InboxReport) -> None:
    from toolkit.registers.pending import save
    from toolkit.registers.schema import REGISTERS

    for key, updates in run.updates.items():
        report.saved.append(save(run.ws, REGISTERS[key], updates, run.fingerprints.get(key)))
    if run.outgoing:
        report.send_report = run.ws.mailer().send_all(run.outgoing)
    for step in run.after:
        step()


def _outcome(ws: Workspace, key: str) -> str | None:
    row = ws.state.execute("SELECT outcome FROM processed_messages WHERE message_key = ?", (key,)).fetchone()
    return row[0] if row else None


def unmatched_messages(ws: Workspace, mailbox: str = "inbox") -> list[tuple[InboundRef, ParsedMail]]:
    """Messages still in the inbox that no handler recognised (for `integrity inbox unmatched`)."""
    from toolkit.mailsort.parse import parse_mail

    found = []
    for ref in ws.backend.list_new(mailbox):
        raw = ws.backend.fetch_raw(ref)
        mail = parse_mail(raw)
        if _outcome(ws, message_key(mailbox, raw, mail.message_id)) == UNMATCHED:
            found.append((ref, mail))
    return found
