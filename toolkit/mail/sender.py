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
from typing import Any

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
    group_size: int = 100  # new messages marked *sending* per durable commit
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    witness_for: frozenset[str] = frozenset()  # mails to these addresses carry the audit trail's head
    witness_purposes: frozenset[str] = frozenset()  # and mails with these purposes (the monthly digest)
    _last_send: float | None = field(default=None, init=False, repr=False)

    def already_sent(self, key: str) -> bool:
        entry = self.state.ledger_entry(key)
        return entry is not None and entry["status"] == "sent"

    def send_all(
        self, mails: Sequence[OutgoingMail], *, limit: int | None = None, progress: Callable[[int], None] | None = None
    ) -> SendReport:
        """Send each message once; at most `limit` new sends this run; stop after N consecutive failures.

        `progress(1)` is called after each message (sent, skipped, recovered or failed). The ledger is read in one
        query, and new messages are marked *sending* a group at a time (one durable commit per group, before any
        of them goes out); each is recorded *sent* at the end of its group, after the group's audit lines are
        synced. A kill in between leaves them *sending*, which the next run resolves through Sent Items, as for a
        single message. The audit trail is held in one session for the whole batch (`AuditTrail.session`).
        """
        with self.audit.session():  # one open, lock and anchor check of the trail for the whole batch
            return self._send_all(mails, limit, progress)

    def _send_all(
        self, mails: Sequence[OutgoingMail], limit: int | None, progress: Callable[[int], None] | None
    ) -> SendReport:
        report = SendReport(total=len(mails))
        entries = self.state.ledger_entries(list(dict.fromkeys(m.key for m in mails)))
        handled: set[str] = set()
        failures = 0
        for start in range(0, len(mails), self.group_size):
            group = mails[start : start + self.group_size]
            premarked = self._premark(group, entries, handled, limit, report)
            done: list[str] = []
            try:
                for offset, mail in enumerate(group):
                    index = start + offset
                    if limit is not None and len(report.sent) >= limit and not self._was_sent(mail, entries, handled):
                        report.not_attempted = len(unsent(self, mails[index:]))
                        report.limit_reached = True
                        return report
                    outcome = self._send_counted(mail, report, entries.get(mail.key), mail.key in premarked, handled)
                    premarked.discard(mail.key)
                    if outcome in ("sent", "recovered"):
                        done.append(mail.key)
                    failures = failures + 1 if outcome == "failed" else 0
                    if progress:
                        progress(1)
                    if self.max_consecutive_failures and failures >= self.max_consecutive_failures:
                        report.not_attempted = len(mails) - index - 1
                        report.stopped_early = (
                            f"gestopt na {failures} mislukte berichten op rij; laatste fout: {report.failed[-1][1]}"
                        )
                        return report
            finally:
                if done:
                    self.audit.sync()  # the group's audit lines on disk before the ledger says *sent*
                self.state.mark_sent_many(done)
                self.state.unmark_sending(sorted(premarked))  # marked, never handed to the backend
        return report

    def _was_sent(self, mail: OutgoingMail, entries: dict[str, Any], handled: set[str]) -> bool:
        entry = entries.get(mail.key)
        return mail.key in handled or (entry is not None and entry["status"] == "sent")

    def _premark(
        self,
        group: Sequence[OutgoingMail],
        entries: dict[str, Any],
        handled: set[str],
        limit: int | None,
        report: SendReport,
    ) -> set[str]:
        """Mark this group's new messages *sending* in one durable commit (no more than the limit allows)."""
        room = None if limit is None else max(0, limit - len(report.sent))
        fresh: dict[str, OutgoingMail] = {}
        for mail in group:
            if mail.key not in entries and mail.key not in handled and mail.key not in fresh:
                fresh[mail.key] = mail
        chosen = list(fresh.values())[:room] if room is not None else list(fresh.values())
        domain = domain_of(self.sender)
        self.state.mark_sending_many([(m.key, m.message_id(domain), m.purpose, m.items) for m in chosen])
        return {m.key for m in chosen}

    def _send_counted(
        self, mail: OutgoingMail, report: SendReport, entry: Any, premarked: bool, handled: set[str]
    ) -> str:
        try:
            outcome = "already" if mail.key in handled else self._send(mail, entry, premarked, batched=True)
        except MailError as exc:
            report.failed.append((mail.key, exc.message))
            return "failed"
        except OSError as exc:  # the folder backend's disk: full, read-only, gone
            report.failed.append((mail.key, f"schrijven mislukt: {exc.strerror or exc}"))
            return "failed"
        handled.add(mail.key)
        {"sent": report.sent, "already": report.already_sent, "recovered": report.recovered}[outcome].append(mail.key)
        return outcome

    def send_one(self, mail: OutgoingMail) -> str:
        """'sent', 'already' (ledger says sent) or 'recovered' (found in Sent Items after a crash)."""
        return self._send(mail, self.state.ledger_entry(mail.key), premarked=False, batched=False)

    def _send(self, mail: OutgoingMail, entry: Any, premarked: bool, *, batched: bool) -> str:
        if entry is not None and entry["status"] == "sent":
            return "already"
        message_id = mail.message_id(domain_of(self.sender))
        if entry is not None and self.backend.was_sent(message_id):
            self._audit(mail, message_id, "mail.recovered")
            if not batched:
                self.state.mark_sent(mail.key)
            return "recovered"
        if entry is None and not premarked:
            self.state.mark_sending(mail.key, message_id, mail.purpose, mail.items)
        if mail.purpose in self.witness_purposes or self.witness_for.intersection(a.strip().lower() for a in mail.to):
            from toolkit.audit_witness import stamp

            mail = stamp(mail, self.audit)
        raw = build_message(mail, self.sender, self.sender_name).as_bytes()
        self._pace()
        if mail.save_copy:
            self.backend.send(raw, message_id, list(mail.to))
        else:  # no copy in Sent Items: after a crash such a mail is sent again, with the same Message-ID
            self.backend.send(raw, message_id, list(mail.to), save_copy=False)
        self._audit(mail, message_id, "mail.sent")
        if not batched:
            self.state.mark_sent(mail.key)
        return "sent"

    def settle(self, items: Iterable[str]) -> None:
        """Digests whose run died mid-send and that cover any of these items: completed if they went out.

        A digest's key follows from its items, so this run's digest may have another key than the interrupted one;
        settling first keeps items that one delivered from going out a second time.
        """
        for entry in self.state.interrupted_covering(list(items)):
            if self.backend.was_sent(entry["message_id"]):
                self.audit.record(
                    "mail.recovered", actor=self.actor, target=entry["message_id"], purpose=entry["purpose"]
                )
                self.state.mark_sent(entry["key"])

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
    """The messages the ledger has not recorded as sent, nor every item of (one query for the whole batch)."""
    return undelivered(mailer.state, mails)


def undelivered(state: StateStore, mails: Iterable[OutgoingMail]) -> list[OutgoingMail]:
    """The messages whose key the ledger hasn't sent and some item of which no sent message covered."""
    mails = list(mails)
    done = state.delivered_among({key for m in mails for key in (m.key, *m.items)})
    return [m for m in mails if m.key not in done and not all(item in done for item in m.items)]
