"""Exactly-once sending through any backend, with the ledger in the state store.

For each message, in this order:
1. the ledger records *sending* (committed) before the backend is called;
2. the backend sends (a copy lands in Sent Items, or the outbox);
3. the audit trail records `mail.sent`;
4. the ledger records *sent*.

A message found in *sending* on a later run may or may not have gone out (the process died somewhere in 2–4), so
it is looked up in Sent Items by its Message-ID (which follows from its key) before it is sent again (a mail sent
without a copy, `save_copy=False`, such as one to a reporter, can't be looked up there: the folder backend keeps a
redacted stub; Exchange and Graph send it again with the same Message-ID, so the receiver sees one): found means
the ledger is completed and the audit trail gets `mail.recovered`; not found means it is sent now. So a killed
process causes neither a duplicate nor a loss, and no delivered message is missing from the audit trail: a kill
between 3 and 4 leaves both `mail.sent` and `mail.recovered` for that Message-ID, a kill between 2 and 3 only
`mail.recovered`. `mail.sent` appears at most once per Message-ID.

Pace and stops: at most `max_per_minute` backend sends per minute (0 = no limit; the first send never waits),
`limit` new sends per run (the rest follows on a later run), and a stop after `max_consecutive_failures` failed
messages in a row. Rerunning the same mailing is always safe and is how a stopped batch resumes.
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

RESUME_HINT = "voer dezelfde opdracht opnieuw uit; wat al verstuurd is, wordt niet nog eens verstuurd"


@dataclass
class SendReport:
    """What a batch did; rendered by the CLI (toolkit.render)."""

    total: int = 0
    sent: list[str] = field(default_factory=list)
    already_sent: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # sent before a crash, found in Sent Items
    failed: list[tuple[str, str]] = field(default_factory=list)  # (key, Dutch reason)
    stopped_early: str = ""  # why the batch stopped on failures ("" when it did not)
    limit_reached: bool = False  # the run's `limit` was reached: the rest follows on a later run (not a failure)
    not_attempted: int = 0  # messages left for a later run

    @property
    def ok(self) -> bool:
        return not self.failed and not self.stopped_early

    @property
    def resume_hint(self) -> str:
        """How to finish the batch ("" when nothing is left to do)."""
        return RESUME_HINT if (self.failed or self.not_attempted) else ""


@dataclass
class Mailer:
    """Sends OutgoingMail exactly once through a backend; see the module docstring for the order of steps."""

    backend: MailBackend
    state: StateStore
    audit: AuditTrail
    sender: str
    sender_name: str
    actor: str
    max_per_minute: int = 0
    max_consecutive_failures: int = 5
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    _last_send: float | None = field(default=None, init=False, repr=False)

    def already_sent(self, key: str) -> bool:
        entry = self.state.ledger_entry(key)
        return entry is not None and entry["status"] == "sent"

    def send_all(
        self, mails: Sequence[OutgoingMail], *, limit: int | None = None, progress: Callable[[int], None] | None = None
    ) -> SendReport:
        """Send each message once; at most `limit` new sends this run; stop after N consecutive failures.

        `progress(1)` is called after each message (sent, skipped, recovered or failed).
        """
        report = SendReport(total=len(mails))
        failures = 0
        for index, mail in enumerate(mails):
            if limit is not None and len(report.sent) >= limit and not self.already_sent(mail.key):
                report.not_attempted = len(unsent(self, mails[index:]))
                report.limit_reached = True
                break
            failures = failures + 1 if self._send_counted(mail, report) == "failed" else 0
            if progress:
                progress(1)
            if self.max_consecutive_failures and failures >= self.max_consecutive_failures:
                report.not_attempted = len(mails) - index - 1
                report.stopped_early = (
                    f"gestopt na {failures} mislukte berichten op rij; laatste fout: {report.failed[-1][1]}"
                )
                break
        return report

    def _send_counted(self, mail: OutgoingMail, report: SendReport) -> str:
        try:
            outcome = self.send_one(mail)
        except MailError as exc:
            report.failed.append((mail.key, exc.message))
            return "failed"
        except OSError as exc:  # the folder backend's disk: full, read-only, gone
            report.failed.append((mail.key, f"schrijven mislukt: {exc.strerror or exc}"))
            return "failed"
        {"sent": report.sent, "already": report.already_sent, "recovered": report.recovered}[outcome].append(mail.key)
        return outcome

    def send_one(self, mail: OutgoingMail) -> str:
        """'sent', 'already' (ledger says sent) or 'recovered' (found in Sent Items after a crash)."""
        entry = self.state.ledger_entry(mail.key)
        if entry is not None and entry["status"] == "sent":
            return "already"
        message_id = mail.message_id(domain_of(self.sender))
        if entry is not None and self.backend.was_sent(message_id):
            self._audit(mail, message_id, "mail.recovered")
            self.state.mark_sent(mail.key)
            return "recovered"
        if entry is None:
            self.state.mark_sending(mail.key, message_id, mail.purpose)
        raw = build_message(mail, self.sender, self.sender_name).as_bytes()
        self._pace()
        if mail.save_copy:
            self.backend.send(raw, message_id, list(mail.to))
        else:  # no copy in Sent Items: after a crash such a mail is sent again, with the same Message-ID
            self.backend.send(raw, message_id, list(mail.to), save_copy=False)
        self._audit(mail, message_id, "mail.sent")
        self.state.mark_sent(mail.key)
        return "sent"

    def _pace(self) -> None:
        """Wait so that backend sends start at least 60/max_per_minute seconds apart."""
        if self.max_per_minute > 0:
            interval = 60.0 / self.max_per_minute
            if self._last_send is not None:
                wait = self._last_send + interval - self.clock()
                if wait > 0:
                    self.sleep(wait)
            self._last_send = self.clock()

    def _audit(self, mail: OutgoingMail, message_id: str, action: str) -> None:
        self.audit.record(action, actor=self.actor, target=message_id, purpose=mail.purpose, ref=mail.audit_ref)


def unsent(mailer: Mailer, mails: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """The messages the ledger has not recorded as sent (for previews and counts)."""
    return [m for m in mails if not mailer.already_sent(m.key)]
