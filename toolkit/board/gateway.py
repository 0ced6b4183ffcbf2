"""The one place the board report reads the outside world: the registers, the case register and the send ledger.

Everything is reduced here to the plain facts of toolkit.board.facts: kinds, dates and departments. Names,
addresses, case numbers and free text (descriptions, subjects, notes) never leave this module. Optional fields
of the case register (channel, kind of concern, Meldpunt referral, feedback date) are read when the register
has a column for them and are otherwise reported as 'niet geregistreerd'. Reading changes nothing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.board.facts import CaseFact, Facts, GiftFact, ReportFacts, StaffFact, SupplierFact
from toolkit.registers.schema import GIFTS, RAFFLE, SIDEJOBS, STAFF, SUPPLIERS, Register
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.registers.reader import Table
    from toolkit.workspace import Workspace

UNKNOWN_DEPARTMENT = "afdeling onbekend"
RULE_CODE = re.compile(r"\b(G\d+)\s*(?:\([^)]*\))?\s*:")  # 'G2: …' or 'G5 (ter beoordeling): …'
# optional case-register fields: the first header the register has is used
CASE_FIELDS = {
    "channel": ("Kanaal",),
    "category": ("Soort zorg", "Categorie", "Soort melding"),
    "meldpunt": ("Doorverwezen naar Meldpunt", "Meldpunt", "Doorverwezen"),
    "feedback": ("Terugkoppeling gegeven op", "Terugkoppeling op"),
}
DIRECTOR_ROLE = "directeur-bestuurder"
OTHER_VALUE = "anders"
OTHER_MEASURE = "andere maatregel"
FREE_TEXT = "ingevuld"
# how a report can come in, for a channel column without a list of its own (the toolkit writes 'e-mail')
CHANNELS = ("e-mail", "telefoon", "brief", "gesprek", "website", "Meldpunt", "vertrouwenspersoon")


def gather(ws: Workspace) -> Facts:
    """Read every source once; a register that is missing is an empty area plus a note."""
    notes: list[str] = []
    staff = _table(ws, STAFF, notes)
    departments = _departments(staff)
    director = _director_keys(ws, staff)
    return Facts(
        reports=_reports(ws, director),
        gifts=_gifts(_table(ws, GIFTS, notes), departments),
        raffle_years=_raffle_years(ws.register_path(RAFFLE)),
        sidejobs=_sidejobs(_table(ws, SIDEJOBS, notes)),
        suppliers=_suppliers(_table(ws, SUPPLIERS, notes), departments),
        staff=_staff(staff),
        sent_mail=_sent_mail(ws),
        meetings=tuple(ws.config.board.meeting_dates),
        decision_days=ws.config.sidejobs.decision_days,
        conversation_weeks=ws.config.onboarding.conversation_weeks,
        notes=tuple(notes),
    )


def _table(ws: Workspace, register: Register, notes: list[str]) -> Table | None:
    from toolkit.registers.reader import read_register

    path = ws.register_path(register)
    if not path.exists():
        notes.append(f"{register.filename} ontbreekt; dit onderdeel telt als leeg.")
        return None
    table = read_register(path, register)
    if table.findings:
        notes.append(
            f"{register.filename}: {counted(len(table.findings), 'cel', 'cellen')} onleesbaar of leeg waar een waarde "
            "nodig is; "
            "zie 'integrity check'. Die rijen tellen mee voor zover leesbaar."
        )
    return table


def _key(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _departments(staff: Table | None) -> dict[str, str]:
    """Name and e-mail (normalised) -> department."""
    found: dict[str, str] = {}
    for row in staff.rows if staff else ():
        department = str(row.get("Afdeling") or "").strip() or UNKNOWN_DEPARTMENT
        for who in (row.get("Naam"), row.get("E-mail")):
            if who:
                found.setdefault(_key(who), department)
    return found


def _director_keys(ws: Workspace, staff: Table | None) -> frozenset[str]:
    """The director's address and name(s), to leave out the cases that concern the director."""
    keys = {_key(ws.config.organisation.director)}
    for row in staff.rows if staff else ():
        if row.get("Rol") == DIRECTOR_ROLE:
            keys |= {_key(row.get("Naam")), _key(row.get("E-mail"))}
    return frozenset(k for k in keys if k)


def _reports(ws: Workspace, director: frozenset[str]) -> ReportFacts:
    from toolkit.reports.cases import case_register, has_register
    from toolkit.reports.schema import CASES, EXTERNAL_HANDLER

    headers = set(CASES.headers)
    present = {name: next((h for h in options if h in headers), None) for name, options in CASE_FIELDS.items()}
    registered = {name for name, header in present.items() if header}
    if "Behandelaar" in headers:
        registered.add("meldpunt")  # the referral shows as the external handler
    if not has_register(ws):
        return ReportFacts((), frozenset(registered))
    cases = []
    for values in case_register(ws).read().values():
        cases.append(_case(values, present, director, EXTERNAL_HANDLER))
    return ReportFacts(tuple(cases), frozenset(registered))


def _choices(register: Register, header: str) -> tuple[str, ...]:
    return register.column(header).choices if header in register.headers else ()


def _known(value: Any, choices: tuple[str, ...]) -> str | None:
    """A value from the register's own list; anything typed outside it is 'anders' (never shown as typed)."""
    if value in (None, ""):
        return None
    return str(value) if not choices or str(value) in choices else OTHER_VALUE


def _case(values: dict[str, Any], present: dict[str, str | None], director: frozenset[str], external: str) -> CaseFact:
    from toolkit.reports.schema import CASES, MEASURES, STATUSES

    def optional(name: str) -> Any:
        header = present.get(name)
        return values.get(header) if header else None

    def listed(name: str) -> str | None:
        """An optional field shown only as one of its column's choices; free text becomes 'ingevuld'."""
        header, value = present.get(name), optional(name)
        choices = _choices(CASES, header) if header else ()
        if name == "channel" and not choices:
            choices = CHANNELS
        if value in (None, ""):
            return None
        return _known(value, choices) if choices else FREE_TEXT

    meldpunt = optional("meldpunt")
    referred = (meldpunt is True or _key(meldpunt) in ("ja", "true")) or values.get("Behandelaar") == external
    typed = (m.strip() for m in str(values.get("Maatregelen") or "").split(","))
    measures = tuple(m if m in MEASURES else OTHER_MEASURE for m in typed if m)
    concerned = _key(values.get("Betrokkene"))
    return CaseFact(
        received=_day(values.get("Ontvangen op")),
        channel=listed("channel"),
        reporter_kind=_known(values.get("Melder is"), _choices(CASES, "Melder is")),
        category=listed("category"),
        status=_known(values.get("Status"), STATUSES) or "ontvangen",
        serious=values.get("Ernstige inbreuk"),
        measures=measures,
        regulator=values.get("Melding toezichthouder"),
        meldpunt=referred,
        acknowledged=_day(values.get("Ontvangst bevestigd op")),
        feedback_given=_day(optional("feedback")),
        feedback_due=_day(values.get("Terugkoppeling uiterlijk")),
        concerns_director=values.get("Betreft") == DIRECTOR_ROLE or (bool(concerned) and concerned in director),
    )


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _gifts(table: Table | None, departments: dict[str, str]) -> tuple[GiftFact, ...]:
    return tuple(
        GiftFact(
            received=_day(row.get("Datum ontvangen")),
            decision=row.get("Besluit"),
            rules=tuple(dict.fromkeys(RULE_CODE.findall(str(row.get("Beoordeling") or "")))),
            department=departments.get(_key(row.get("Medewerker")), UNKNOWN_DEPARTMENT),
        )
        for row in (table.rows if table else ())
    )


def _raffle_years(path: Path) -> frozenset[int]:
    """The years with a drawn raffle: kerstloting.xlsx has a sheet named after each year drawn."""
    from toolkit.registers.sheets import sheet_names

    return frozenset(int(name) for name in sheet_names(path) if name.isdigit())


def _sidejobs(table: Table | None) -> tuple[Any, ...]:
    from toolkit.sidejobs.service import side_job

    return tuple(
        dataclasses.replace(side_job(row), employee="", function="", organisation="", decided_by=None)
        for row in (table.rows if table else ())
    )


def _suppliers(table: Table | None, departments: dict[str, str]) -> tuple[SupplierFact, ...]:
    return tuple(
        SupplierFact(
            sent_on=_day(row.get("Verzonden op")),
            reminders=int(row.get("Herinneringen") or 0),
            status=row.get("Status"),
            owner_department=departments.get(_key(row.get("Contracteigenaar")), UNKNOWN_DEPARTMENT),
        )
        for row in (table.rows if table else ())
    )


def _staff(table: Table | None) -> tuple[StaffFact, ...]:
    return tuple(
        StaffFact(
            start=_day(row.get("In dienst per")),
            code_sent_on=_day(row.get("Code verzonden op")),
            confirmed_on=_day(row.get("Ontvangst bevestigd op")),
            conversation_on=_day(row.get("Gesprek M&O op")),
        )
        for row in (table.rows if table else ())
    )


def _sent_mail(ws: Workspace) -> tuple[tuple[str, date], ...]:
    """(purpose, day) of every message the send ledger records as sent."""
    if not (ws.config.state_dir / "state.sqlite").exists():
        return ()
    rows = ws.state.execute("SELECT purpose, sent_at FROM outgoing WHERE status = 'sent' AND sent_at IS NOT NULL")
    return tuple((row[0], date.fromisoformat(str(row[1])[:10])) for row in rows.fetchall())
