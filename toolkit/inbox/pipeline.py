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
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.mail.backend import InboundRef

if TYPE_CHECKING:
    from toolkit.inbox.classify import Classified
    from toolkit.mail.message import OutgoingMail
    from toolkit.mailsort.parse import ParsedMail
    from toolkit.registers.reader import Row, Table
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
    key: str  # stable: mailbox + digest of Message-ID and content (see message_key)
    item: Classified  # what the one sorter made of it (toolkit/inbox/classify.py), done once per message


@dataclass(frozen=True)
class Handled:
    """What a handler made of a message. `note` is non-identifying: it may reach logs and the audit trail."""

    sort: str
    note: str = ""
    move: bool = True
    confidential: bool = False  # an integrity report: the audit trail gets the message key, not the Message-ID
    folder: str | None = None  # a folder of its own (e.g. "Geen melding") instead of the processed folder


Handler = Callable[["InboxRun", Inbound], "Handled | None"]


@dataclass
class InboxRun:
    """The shared context of one pass: cached register tables, collected updates and mails."""

    ws: Workspace
    updates: dict[str, list[CellUpdate]] = field(default_factory=dict)
    fingerprints: dict[str, str] = field(default_factory=dict)
    outgoing: list[OutgoingMail] = field(default_factory=list)
    after: list[Callable[[], None]] = field(default_factory=list)  # extra work after the mails went out
    cache: dict[str, Any] = field(default_factory=dict)  # per-run lookups handlers build once (e.g. the cases)
    _tables: dict[str, Table] = field(default_factory=dict)
    _indexes: dict[tuple[str, str], dict[Any, list[Row]]] = field(default_factory=dict)
    _queued: dict[tuple[str, Any, int | None, str], Any] = field(default_factory=dict)

    def table(self, register: Register) -> Table:
        """The register as read at the start of this pass (read once)."""
        from toolkit.registers.reader import read_register

        if register.key not in self._tables:
            table = read_register(self.ws.register_path(register), register)
            self._tables[register.key] = table
            self.fingerprints[register.key] = table.fingerprint
        return self._tables[register.key]

    def index(self, register: Register, name: str, key: Callable[[Row], Any]) -> dict[Any, list[Row]]:
        """Rows of the register grouped by `key` (built once per pass and name): lookups cost O(1), not a scan."""
        found = self._indexes.get((register.key, name))
        if found is None:
            found = {}
            for row in self.table(register).rows:
                value = key(row)
                if value:
                    found.setdefault(value, []).append(row)
            self._indexes[(register.key, name)] = found
        return found

    def update(self, register: Register, updates: list[CellUpdate]) -> None:
        self.updates.setdefault(register.key, []).extend(updates)
        for item in updates:
            self._queued[(register.key, item.nr, item.excel_row, item.column)] = item.value

    def current(self, register: Register, row: Row, column: str) -> Any:
        """The cell as this pass leaves it: the last queued update, else what the register says."""
        return self._queued.get((register.key, row.nr, row.excel_row, column), row.get(column))

    def queued(self, register: Register, row: Row, column: str) -> bool:
        return (register.key, row.nr, row.excel_row, column) in self._queued

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

    @property
    def failed(self) -> tuple[str, ...]:
        """Mails of this pass that could not be sent: 'key: why'."""
        return () if self.send_report is None else tuple(f"{key}: {why}" for key, why in self.send_report.failed)


def content_digest(raw: bytes, mail: ParsedMail) -> str:
    """SHA-256 of the Message-ID with what the sender wrote (From, Subject, Date, text, attachments).

    The same message delivered twice (other Received/Delivered-To lines) has one digest; two different messages
    that carry the same Message-ID have two. The state store never holds a sender's Message-ID in clear.
    """
    digest = hashlib.sha256()
    parts = (mail.message_id.strip(), mail.from_address, mail.subject, mail.headers.get("date", ""), mail.text)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for attachment in mail.attachments:
        digest.update(hashlib.sha256(attachment.payload).digest())
    if not mail.message_id.strip() and not mail.text and not mail.attachments:
        digest.update(raw)  # nothing to recognise it by: the bytes themselves
    return digest.hexdigest()


def message_key(mailbox: str, raw: bytes, mail: ParsedMail) -> str:
    """mailbox + content digest (see content_digest)."""
    return f"{mailbox}:sha256:{content_digest(raw, mail)}"


def process_mailbox(ws: Workspace, mailbox: str, handlers: list[Handler], *, show_subjects: bool = True) -> InboxReport:
    """Sort every new message of one mailbox; carry out the work; then mark and move what was handled."""
    run, report = InboxRun(ws), InboxReport(mailbox)
    handled: list[tuple[Inbound, Handled]] = []
    seen: set[str] = set()
    for ref in ws.backend.list_new(mailbox):
        inbound = read_inbound(ws, ref)
        if inbound.key in seen or _outcome(ws, inbound.key) not in (None, UNMATCHED):
            _move(ws, ref, None)  # marked before a crash, or delivered twice: one outcome, the copy is moved
            report.counts[ALREADY] += 1
            continue
        seen.add(inbound.key)
        result = _first_match(run, inbound, handlers)
        report.counts[result.sort] += 1
        if result.sort == UNMATCHED:
            report.unmatched.append(inbound.mail.subject if show_subjects else inbound.key)
        handled.append((inbound, result))
    _carry_out(run, report)
    marks = [(i.key, r.sort) for i, r in handled if r.move or r.sort == UNMATCHED]
    ws.state.mark_processed_many(marks)  # one transaction for the whole pass, not one per message
    moving = any(result.move for _, result in handled)
    with ws.audit.session() if moving else nullcontext():  # one open, lock and anchor check; a line per message
        for inbound, result in handled:
            if result.move:
                _move(ws, inbound.ref, result.folder)
                ws.audit.record(
                    "mail.processed",
                    actor=ws.actor,
                    target=inbound.key if result.confidential else (inbound.mail.message_id or inbound.key),
                    sort=result.sort,
                    note=result.note or None,
                )
    return report


def read_inbound(ws: Workspace, ref: InboundRef) -> Inbound:
    """Fetch, parse and classify one message: the only place a message is sorted."""
    from toolkit.inbox.classify import classify

    raw = ws.backend.fetch_raw(ref)
    item = classify(raw)
    return Inbound(ref, raw, item.mail, message_key(ref.mailbox, raw, item.mail), item)


def _move(ws: Workspace, ref: InboundRef, folder: str | None) -> None:
    if folder is None:
        ws.backend.move_processed(ref)
    else:
        ws.backend.move_processed(ref, folder=folder)


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
        if _outcome(ws, message_key(mailbox, raw, mail)) == UNMATCHED:
            found.append((ref, mail))
    return found
