"""Acknowledgements to reporters: queued with the run's mail (never to a machine address), each with its copy sealed
to the identity holders instead of one in Sent Items; after the mail went out, `Ontvangst bevestigd op` and
`Terugkoppeling uiterlijk` are recorded for every case whose acknowledgement the ledger has as sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.reports import notify
from toolkit.reports.casefile import holders_of_case
from toolkit.reports.cases import Case, case_archive, case_register, load_cases
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.holders import Holders

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace


def acknowledge_to(inbound: Inbound) -> str:
    """Reply-To or From, never a machine address (mailer-daemon, postmaster, no-reply, feedback loops, …)."""
    from toolkit.inbox.classify import acknowledge_to

    return acknowledge_to(inbound.item) or ""


def queue_acknowledgement(run: InboxRun, case: Case, address: str, lang: str, holders: Holders) -> None:
    ws = run.ws
    if not address or notify.is_automated_address(address) or case.acknowledged is not None:
        return
    context = notify.reporter_context(ws, case.number, case.received, None)
    context["terugkoppeling_uiterlijk"] = feedback_due(ws.today)
    key = f"{notify.ACKNOWLEDGEMENT}:{case.number}"
    run.send(
        sealed_copy(
            ws, case.number, notify.to_reporter(ws, notify.ACKNOWLEDGEMENT, key, address, context, lang), holders
        )
    )
    if not any(getattr(step, "reports_acknowledgements", False) for step in run.after):
        step = _AckRecorder(ws)
        run.after.append(step)


class _AckRecorder:
    """After the mails went out: record `Ontvangst bevestigd op` for each case whose acknowledgement was sent."""

    reports_acknowledgements = True

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def __call__(self) -> None:
        record_acknowledgements(self.ws)


def record_acknowledgements(ws: Workspace) -> int:
    """Fill `Ontvangst bevestigd op` (today) and `Terugkoppeling uiterlijk` for acknowledgements the ledger has sent."""
    mailer = ws.mailer()
    changes = {}
    for case in load_cases(ws):
        if case.acknowledged is None and mailer.already_sent(f"{notify.ACKNOWLEDGEMENT}:{case.number}"):
            changes[case.number] = {
                "Ontvangst bevestigd op": ws.today,
                "Terugkoppeling uiterlijk": feedback_due(ws.today),
            }
    if changes:
        case_register(ws).write(changes)
    return len(changes)


def sealed_copy(ws: Workspace, number: str, mail: OutgoingMail, holders: Holders | None = None) -> OutgoingMail:
    """A mail to a reporter: its copy sealed to the identity holders in the case archive, none in Sent Items."""
    from dataclasses import replace

    from toolkit.mail.message import build_message

    private = replace(mail, save_copy=False)
    raw = build_message(private, ws.config.mail.sender, ws.config.mail.sender_name).as_bytes()
    case_archive(ws).add_sent_copy(number, mail.key, raw, holders or holders_of_case(ws, number))
    return private
