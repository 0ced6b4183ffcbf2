"""Acknowledgements to reporters: queued with the run's mail (never to a machine address), each with its copy sealed
to the identity holders instead of one in Sent Items; after the mail went out, `Ontvangst bevestigd op` and
`Terugkoppeling uiterlijk` are recorded for every case whose acknowledgement the ledger has as sent, in the run's one
write of the case register (with the new cases' rows: `register.write_held`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from toolkit.reports import notify
from toolkit.reports.casefile import holders_of_case
from toolkit.reports.cases import Case, case_archive, case_register
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.holders import Holders

if TYPE_CHECKING:
    from toolkit.inbox.pipeline import Inbound, InboxRun
    from toolkit.mail.message import OutgoingMail
    from toolkit.reports.archive import CaseArchive
    from toolkit.workspace import Workspace


def acknowledge_to(inbound: Inbound) -> str:
    """Reply-To or From, never a machine address (mailer-daemon, postmaster, no-reply, feedback loops, …)."""
    from toolkit.inbox.classify import acknowledge_to

    return acknowledge_to(inbound.item) or ""


def queue_acknowledgement(
    run: InboxRun, case: Case, address: str, lang: str, holders: Holders, *, archive: CaseArchive | None = None
) -> None:
    """Queue the acknowledgement with the run's mail (its copy sealed now); the dates are recorded by the run's one
    register write after the mail went out (`acknowledgement_cells`)."""
    ws = run.ws
    if not address or notify.is_automated_address(address) or case.acknowledged is not None:
        return
    context = notify.reporter_context(ws, case.number, case.received, None)
    context["terugkoppeling_uiterlijk"] = feedback_due(ws.today)
    key = f"{notify.ACKNOWLEDGEMENT}:{case.number}"
    run.send(
        sealed_copy(
            ws,
            case.number,
            notify.to_reporter(ws, notify.ACKNOWLEDGEMENT, key, address, context, lang),
            holders,
            archive=archive,
        )
    )


def acknowledgement_cells(ws: Workspace, cases: Iterable[Case]) -> dict[str, dict[str, Any]]:
    """`Ontvangst bevestigd op` (today) and `Terugkoppeling uiterlijk` for each case without them whose
    acknowledgement the ledger has as sent (one ledger query for all)."""
    waiting = {f"{notify.ACKNOWLEDGEMENT}:{c.number}": c.number for c in cases if c.acknowledged is None}
    entries = ws.state.ledger_entries(list(waiting))
    cells = {"Ontvangst bevestigd op": ws.today, "Terugkoppeling uiterlijk": feedback_due(ws.today)}
    return {
        number: dict(cells) for key, number in waiting.items() if key in entries and entries[key]["status"] == "sent"
    }


def record_acknowledgements(ws: Workspace) -> int:
    """Record the acknowledgements the ledger has as sent, in one write with the rows intake still holds (a run killed
    before its write); no write when there is nothing to record."""
    from toolkit.reports.cases import case_from_row

    register = case_register(ws)
    rows = register.read()
    held = {n: case_from_row({"Zaaknummer": n, **r}) for n, r in register.held().items() if n not in rows}
    changes = acknowledgement_cells(ws, [*(case_from_row(v) for v in rows.values()), *held.values()])
    register.write_held(changes, in_register=set(rows))
    return len(changes)


def sealed_copy(
    ws: Workspace,
    number: str,
    mail: OutgoingMail,
    holders: Holders | None = None,
    *,
    archive: CaseArchive | None = None,
) -> OutgoingMail:
    """A mail to a reporter: its copy sealed to the identity holders in the case archive, none in Sent Items
    (`archive`: the run's, so the public keys are read once per run)."""
    from dataclasses import replace

    from toolkit.mail.message import build_message

    private = replace(mail, save_copy=False)
    raw = build_message(private, ws.config.mail.sender, ws.config.mail.sender_name).as_bytes()
    (archive or case_archive(ws)).add_sent_copy(number, mail.key, raw, holders or holders_of_case(ws, number))
    return private
