"""Exactly-once sending through any backend, with the ledger in the state store.

For each message: the ledger records *sending* (committed) before the backend is called and *sent* after.
A message found in *sending* after a crash is looked up in Sent Items (by its Message-ID, which follows from
its key) before it is sent again. So a killed process causes neither a duplicate nor a loss.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from toolkit.audit import AuditTrail
from toolkit.errors import MailError
from toolkit.mail.backend import MailBackend
from toolkit.mail.message import OutgoingMail, build_message, domain_of
from toolkit.state import StateStore


@dataclass
class SendReport:
    """What a batch did; rendered by the CLI."""

    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # sent before a crash, found in Sent Items
    failed: list[tuple[str, str]] = field(default_factory=list)
    stopped_early: str = ""
    not_attempted: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped_early


@dataclass
class Mailer:
    backend: MailBackend
    state: StateStore
    audit: AuditTrail
    sender: str
    sender_name: str
    actor: str
    max_per_minute: int = 0
    max_consecutive_failures: int = 5
    sleep: Callable[[float], None] = time.sleep

    def already_sent(self, key: str) -> bool:
        entry = self.state.ledger_entry(key)
        return entry is not None and entry["status"] == "sent"

    def send_all(
        self, mails: Sequence[OutgoingMail], *, limit: int | None = None, progress: Callable[[int], None] | None = None
    ) -> SendReport:
        """Send each message once; stop after N consecutive failures; at most `limit` new sends this run."""
        report = SendReport()
        failures = 0
        for index, mail in enumerate(mails):
            if limit is not None and len(report.sent) >= limit:
                report.not_attempted = len(mails) - index
                report.stopped_early = f"limiet van {limit} berichten bereikt; de rest volgt bij de volgende run"
                break
            outcome = self._send_counted(mail, report)
            failures = failures + 1 if outcome == "failed" else 0
            if progress:
                progress(1)
            if failures >= self.max_consecutive_failures:
                report.not_attempted = len(mails) - index - 1
                report.stopped_early = f"gestopt na {failures} mislukte berichten op rij: {report.failed[-1][1]}"
                break
        return report

    def _send_counted(self, mail: OutgoingMail, report: SendReport) -> str:
        try:
            outcome = self.send_one(mail)
        except MailError as exc:
            report.failed.append((mail.key, exc.message))
            return "failed"
        {"sent": report.sent, "already": report.already_sent, "recovered": report.recovered}[outcome].append(mail.key)
        if outcome == "sent" and self.max_per_minute > 0:
            self.sleep(60.0 / self.max_per_minute)
        return outcome

    def send_one(self, mail: OutgoingMail) -> str:
        """'sent', 'already' (ledger says sent) or 'recovered' (found in Sent Items after a crash)."""
        entry = self.state.ledger_entry(mail.key)
        if entry is not None and entry["status"] == "sent":
            return "already"
        message_id = mail.message_id(domain_of(self.sender))
        if entry is not None and self.backend.was_sent(message_id):
            self.state.mark_sent(mail.key)
            self._audit(mail, message_id, "mail.recovered")
            return "recovered"
        if entry is None:
            self.state.mark_sending(mail.key, message_id, mail.purpose)
        raw = build_message(mail, self.sender, self.sender_name).as_bytes()
        self.backend.send(raw, message_id, list(mail.to))
        self.state.mark_sent(mail.key)
        self._audit(mail, message_id, "mail.sent")
        return "sent"

    def _audit(self, mail: OutgoingMail, message_id: str, action: str) -> None:
        self.audit.record(action, actor=self.actor, target=message_id, purpose=mail.purpose, ref=mail.audit_ref)


def unsent(mailer: Mailer, mails: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """The messages the ledger has not recorded as sent (for previews and counts)."""
    return [m for m in mails if not mailer.already_sent(m.key)]
