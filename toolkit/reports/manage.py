"""What people do with cases: update, list, show (and reveal, logged), and the retention of identities.

Reading anything sealed needs a personal key (`--key FILE`): a handler's key opens the content of the cases routed
to them, an identity holder's key also opens who reported (`--reveal`, which leaves a line in the audit trail).
What a key may not open is refused in one Dutch sentence. Notes are sealed into the case archive to the case's
holders; the audit says only 'note added'.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, RefusedError
from toolkit.reports import notify
from toolkit.reports.cases import (
    Case,
    case_archive,
    case_register,
    has_register,
    load_cases,
    sealed_holders,
    wanted_holders,
)
from toolkit.reports.deadlines import feedback_due
from toolkit.reports.feedback import Decider, check_acknowledgement, check_decider, deciding_role_for, os_user
from toolkit.reports.holders import Holders
from toolkit.reports.schema import CLOSED, DECIDED_BY_COLUMN, MEASURES, SERIOUS, STATUSES

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.mail.message import OutgoingMail
    from toolkit.nightly import StepResult
    from toolkit.workspace import Workspace

PROGRESS_COUNT = "reports.progress.{case}"
ERASED_KEY = "reports.erased.{case}"


def find_case(ws: Workspace, number: str) -> Case:
    for case in load_cases(ws):
        if case.number == number.strip().upper():
            return case
    raise InputError(
        f"meldingen.xlsx: zaak {number} bestaat niet.", hint="zie 'integrity reports list' voor de zaaknummers."
    )


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


def holders_of(ws: Workspace, case: Case) -> Holders:
    """What the case is sealed to now (as recorded), else who should hold it."""
    return sealed_holders(ws, case.number) or wanted_holders(ws, case)


def require_content(ws: Workspace, case: Case, key: PrivateKey | None, what: str) -> PrivateKey:
    """The key, if it belongs to someone who may read this case's content; otherwise one Dutch sentence."""
    if key is None:
        raise InputError(f"{what} vraagt om een sleutel.", hint="geef je sleutelbestand met --key BESTAND.")
    from toolkit.keys import public_keys

    if public_keys(ws).get(key.email) != str(key.identity.to_public()):
        raise RefusedError(
            f"de sleutel voor {key.email} hoort niet bij de publieke sleutel van {key.email} in deze werkmap.",
            hint="gebruik uw huidige sleutelbestand; na 'keys new --replace' opent alleen de nieuwe sleutel.",
        )
    holders = holders_of(ws, case)
    if key.email not in holders.content:
        raise RefusedError(
            f"de sleutel van {key.email} geeft geen toegang tot zaak {case.number}.",
            hint="alleen de behandelaars van de zaak en de beheerders van de identiteit kunnen hem openen.",
        )
    return key


def require_identity(ws: Workspace, case: Case, key: PrivateKey | None, what: str) -> PrivateKey:
    key = require_content(ws, case, key, what)
    if key.email not in holders_of(ws, case).identity:
        raise RefusedError(
            f"de sleutel van {key.email} opent de identiteit van de melder van zaak {case.number} niet.",
            hint="alleen wie de identiteit beheert (de intake-functionaris en de vertrouwenspersoon, of de houder van het route-adres) kan dit.",
        )
    return key


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
        from toolkit.reports.intake import sealed_copy

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


def retention_step(ws: Workspace) -> StepResult:
    """Nightly: erase the identity of cases closed longer than [reports] identity_retention_days ago."""
    from toolkit.nightly import StepResult

    name = "identiteit melders wissen"
    if not has_register(ws):
        return StepResult(name, True, "nog geen meldingen")
    limit = ws.today - timedelta(days=ws.config.reports.identity_retention_days)
    due = [c.number for c in load_cases(ws) if c.closed is not None and c.closed < limit]
    if not due:
        return StepResult(name, True, "niets te wissen")
    archive = case_archive(ws)
    erase = [n for n in due if any(archive.files(n)) and not ws.state.get(ERASED_KEY.format(case=n))]
    if not erase:
        return StepResult(name, True, "niets te wissen")
    for number in erase:
        originals = archive.erase_originals(number)
        ws.state.set(ERASED_KEY.format(case=number), ws.today.isoformat())
        ws.audit.record("reports.identity_erased", actor=ws.actor, target=number, originals_erased=originals)
    return StepResult(name, True, f"identiteit gewist bij {len(erase)} zaak/zaken", tuple(erase))
