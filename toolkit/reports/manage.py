"""What people do with a case: `integrity reports update` (status, decision, measures, notes, feedback, and a
message to the reporter). Reading cases: `views.py`; who may open what: `access.py`.

A note or feedback needs a key to the case's content, a message to the reporter a key to its identity (`--key
FILE`). Notes are sealed into the case archive to the case's holders; the audit says only 'note added'. The register
cells go through the register gateway: with meldingen.xlsx open in Excel they wait for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.reports import notify
from toolkit.reports.access import find_case, holders_of, require_content, require_identity
from toolkit.reports.cases import Case, case_archive, case_register
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.feedback import Decider, check_acknowledgement, check_decider, deciding_role_for, os_user
from toolkit.reports.schema import CLOSED, DECIDED_BY_COLUMN, MEASURES, SERIOUS, STATUSES

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace

PROGRESS_COUNT = "reports.progress.{case}"


@dataclass(frozen=True)
class CaseUpdate:
    """The requested change; every field optional."""

    status: str | None = None
    note: str | None = None
    serious: str | None = None
    measures: tuple[str, ...] = ()
    regulator: bool | None = None
    tell_reporter: str | None = None  # a reporter template, e.g. melding_voortgang (see `reporter_template`)
    feedback: str | None = None  # substantive feedback on assessment and follow-up: clears the 3-month deadline
    acknowledged_on: date | None = None  # an acknowledgement given outside the toolkit
    how: str | None = None  # how that acknowledgement was given
    role: str | None = None  # Stap 4: the deciding role
    by: str | None = None  # Stap 4: who decided
    record_confirmed: date | None = None  # the reporter checked and signed the record of an oral report


def reporter_template(update: CaseUpdate) -> str:
    """The message a reporter gets with --tell-reporter: the feedback, the closing, or else progress (for a case
    routed to the external Meldpunt whose reporter was not yet told: the Meldpunt referral, see `_for_case`)."""
    if update.status == CLOSED:
        return notify.CLOSED
    return notify.FEEDBACK if update.feedback else notify.PROGRESS


def _for_case(ws: Workspace, case: Case, update: CaseUpdate) -> CaseUpdate:
    """Progress on a case the routing sent to the Meldpunt: the reporter first hears of the referral (once)."""
    from toolkit.reports.schema import EXTERNAL_HANDLER

    if update.tell_reporter != notify.PROGRESS or case.handler != EXTERNAL_HANDLER:
        return update
    if ws.mailer().already_sent(f"{notify.MELDPUNT}:{case.number}"):
        return update
    return replace(update, tell_reporter=notify.MELDPUNT)


@dataclass
class UpdateResult:
    case: str
    changed: dict[str, Any] = field(default_factory=dict)
    note_added: bool = False
    message: OutgoingMail | None = None  # the progress message (preview unless sent)
    sent: bool = False
    send_command: str = ""
    waiting: str = ""  # the register is open in Excel: the change is queued for the next run
    record_confirmed: date | None = None
    hint: str = ""  # what is still owed to the reporter (Dutch)

    @property
    def ok(self) -> bool:
        return True


def _check(update: CaseUpdate) -> None:
    if update.status and update.status not in STATUSES:
        raise InputError(f"--status '{update.status}' bestaat niet.", hint=f"kies uit: {', '.join(STATUSES)}.")
    if update.serious and update.serious not in SERIOUS:
        raise InputError(f"--serious '{update.serious}' bestaat niet.", hint="kies ja, nee of onbekend.")
    unknown = [m for m in update.measures if m not in MEASURES]
    if unknown:
        raise InputError(
            f"--measure '{unknown[0]}' staat niet in de lijst van de code.", hint=f"kies uit: {', '.join(MEASURES)}."
        )
    if update.tell_reporter and update.tell_reporter not in notify.REPORTER_TEMPLATES:
        raise InputError(
            f"--tell-reporter '{update.tell_reporter}' is geen bericht aan de melder.",
            hint=f"kies uit: {', '.join(notify.REPORTER_TEMPLATES)}.",
        )


def _cells(case: Case, update: CaseUpdate, today: date) -> dict[str, Any]:
    cells: dict[str, Any] = {}
    if update.acknowledged_on is not None and case.acknowledged is None:
        cells["Ontvangst bevestigd op"] = update.acknowledged_on
        cells["Terugkoppeling uiterlijk"] = feedback_due(update.acknowledged_on)
    if update.status and update.status != case.status:
        cells["Status"] = update.status
        if update.status == CLOSED and case.closed is None:
            cells["Afgesloten op"] = today
    if update.serious and update.serious != case.serious:
        cells["Ernstige inbreuk"] = update.serious
    if update.measures:
        cells["Maatregelen"] = ", ".join(update.measures)
    if update.regulator is not None:
        cells["Melding toezichthouder"] = update.regulator
    return cells


def _require_keys(ws: Workspace, case: Case, update: CaseUpdate, key: PrivateKey | None) -> None:
    """A note or feedback needs a key to the case's content; a message to the reporter one to its identity."""
    if update.note or update.feedback:
        require_content(ws, case, key, "een notitie" if update.note else "een terugkoppeling")
    if update.tell_reporter:
        require_identity(ws, case, key, "een bericht aan de melder")


def update_case(
    ws: Workspace, number: str, update: CaseUpdate, *, send: bool = False, key: PrivateKey | None = None
) -> UpdateResult:
    """Record the change (register, sealed note, audit); with `tell_reporter`, build and (with send) send the message."""
    _check(update)
    case = find_case(ws, number)
    update = _for_case(ws, case, update)
    _require_keys(ws, case, update, key)
    check_acknowledgement(case.number, update.acknowledged_on, update.how, case.received, ws.today)
    deciding = bool(update.serious and update.serious != "onbekend") or bool(update.measures)
    expected = deciding_role_for(case.concerns, _concerns_director(ws, case))
    decider = check_decider(case.number, deciding, update.role, update.by, expected)
    cells = _cells(case, update, ws.today)
    if decider is not None:
        cells[DECIDED_BY_COLUMN] = f"{decider.label} ({ws.today:%d-%m-%Y})"
    result = UpdateResult(case.number, cells)
    if update.tell_reporter and key is not None:
        shown = replace(case, status=cells.get("Status", case.status))
        result.message = _progress_mail(ws, shown, update.tell_reporter, key, update.feedback)
        result.send_command = _send_command(case.number, update)
    if update.tell_reporter and send and result.message is not None:
        from toolkit.reports.acknowledge import sealed_copy

        notify.remember_ours(ws, result.message)  # only now: a preview writes nothing
        mail = sealed_copy(ws, case.number, result.message, holders_of(ws, case))
        report = ws.mailer().send_all([mail])
        result.sent = report.ok
        if result.sent:
            ws.state.set(PROGRESS_COUNT.format(case=case.number), str(_progress_count(ws, case.number) + 1))
    if update.feedback and (result.sent or not update.tell_reporter):
        cells["Terugkoppeling gegeven op"] = ws.today  # only substantive feedback clears the 3-month deadline
    if cells.get("Status") == CLOSED and not update.tell_reporter and case.channel != "anoniem":
        result.hint = (
            "De melder hoort dat de zaak is afgesloten (Stap 3): "
            f"integrity reports update {case.number} --status afgesloten --tell-reporter --key … --send"
        )
    if update.record_confirmed is not None:
        _confirm_record(ws, case, update.record_confirmed)
        result.record_confirmed = update.record_confirmed
    if cells:
        result.waiting = case_register(ws).write({case.number: cells}).waiting
    notes = [n for n in (update.note, _feedback_note(update), _ack_note(update)) if n]
    for note in notes:
        case_archive(ws).add_note(case.number, holders_of(ws, case), ws.today.isoformat(), ws.actor, note)
    result.note_added = bool(notes)
    _audit(ws, case.number, cells, result, decider)
    return result


def _confirm_record(ws: Workspace, case: Case, on: date) -> None:
    from toolkit.reports.oral import ORAL, confirm_record

    if case.channel not in ORAL:
        raise InputError(
            f"zaak {case.number} is geen mondelinge melding; er is geen verslag te bevestigen.",
            hint="--record-confirmed hoort bij meldingen met kanaal telefonisch of gesprek.",
        )
    confirm_record(ws, case.number, on)


def _concerns_director(ws: Workspace, case: Case) -> bool:
    concerned = (case.concerned or "").strip().lower()
    return bool(concerned) and concerned == ws.config.organisation.director


def _feedback_note(update: CaseUpdate) -> str | None:
    return f"Terugkoppeling aan de melder: {update.feedback}" if update.feedback else None


def _ack_note(update: CaseUpdate) -> str | None:
    if update.acknowledged_on is None:
        return None
    return f"Ontvangst bevestigd op {update.acknowledged_on:%d-%m-%Y}, buiten de toolkit: {update.how}"


def _send_command(number: str, update: CaseUpdate) -> str:
    parts = [f"integrity reports update {number}"]
    if update.status:
        parts.append(f"--status '{update.status}'")
    if update.feedback:
        parts.append("--feedback '...'")
    parts.append("--tell-reporter --key … --send")
    return " ".join(parts)


def _progress_count(ws: Workspace, number: str) -> int:
    return int(ws.state.get(PROGRESS_COUNT.format(case=number)) or 0)


def _progress_mail(
    ws: Workspace, case: Case, kind: str, key: PrivateKey, feedback: str | None = None
) -> OutgoingMail | None:
    identity = case_archive(ws).identity(case.number, key)
    address = identity.get("E-mail") or ""
    if not address:
        raise InputError(
            f"zaak {case.number}: er is geen adres van de melder (anoniem, of gewist na de bewaartermijn).",
            hint="er kan geen bericht aan de melder worden gestuurd.",
        )
    context = notify.reporter_context(ws, case.number, case.received, case.feedback_due)
    context["status"] = case.status
    context["terugkoppeling"] = feedback or ""
    lang = identity.get("Taal") or "nl"
    if kind == notify.MELDPUNT:
        from toolkit.reports.assign import meldpunt_referral

        return meldpunt_referral(ws, case, address, lang)
    ledger_key = f"{kind}:{case.number}:{_progress_count(ws, case.number) + 1}"
    return notify.to_reporter(ws, kind, ledger_key, address, context, lang, remember=False)


def _audit(
    ws: Workspace, number: str, cells: dict[str, Any], result: UpdateResult, decider: Decider | None = None
) -> None:
    if not cells and not result.note_added and not result.sent and result.record_confirmed is None:
        return
    ws.audit.record(
        "reports.updated",
        actor=os_user(),
        via=ws.actor,
        target=number,
        decided_by=decider.label if decider else None,
        record_confirmed=result.record_confirmed.isoformat() if result.record_confirmed else None,
        changed=", ".join(sorted(cells)) or None,
        status=cells.get("Status"),
        note="note added" if result.note_added else None,
        reporter_told=result.message.purpose if result.sent and result.message else None,
    )
