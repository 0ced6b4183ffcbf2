"""The Christmas raffle on a workspace: draw from the registers, record the result sheet, verify it, notify winners.

- Pool: the year's Christmas gifts handed in centrally, received inside the window of [gifts]
  christmas_window_start (in the year) .. christmas_window_end (in the next year); each keyed by its `Nr`.
- Participants: everyone in medewerkers.xlsx employed on the draw date (ws.today, the --as-of date), RvC members
  only with [raffle] include_rvc, minus the personeelsnummers in [raffle] exclude; keyed by personeelsnummer.
- The result goes to its own sheet in kerstloting.xlsx, named after the year. Above the table it records
  everything needed to redo the draw: the seed, the algorithm, both digests, the draw time, the draw date used
  for the participants, the gift window and the raffle settings, and the counts. A year already drawn is
  refused (RefusedError, exit 7) unless redrawn with a reason: the old sheet is kept as '2026 (vervallen 1)'
  and the reason goes to the audit trail.
- `verify_raffle` rebuilds the pool and the participants from the registers with what the sheet records and
  compares with toolkit.raffle.draw.verify: [] when identical, else the differences, first one first.
- Winners are mailed (template `kerstloting_winnaar`) only from a result that still verifies; the draw is
  written either way, the mails are a preview unless `send`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError, InputError, RefusedError
from toolkit.raffle.draw import DrawResult, Participant, PoolGift, draw, verify
from toolkit.registers.schema import GIFTS, RAFFLE, STAFF

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace

WINNER_KIND = "kerstloting_winnaar"
HEADER = ("Nr geschenk", "Geschenk", "Gever", "Winnaar", "Personeelsnummer", "E-mail")
RVC_ROLE = "RvC-lid"
STAFF_KEY_COLUMNS = frozenset({"Personeelsnummer", "Naam", "Rol", "In dienst per", "Uit dienst per"})

LABEL_YEAR = "Jaar"
LABEL_SEED = "Seed (vooraf bekendgemaakt)"
LABEL_ALGORITHM = "Algoritme"
LABEL_POOL = "Pool-digest (SHA-256)"
LABEL_PEOPLE = "Deelnemers-digest (SHA-256)"
LABEL_TIME = "Getrokken op"
LABEL_DAY = "Peildatum deelnemers"
LABEL_FROM = "Geschenken ontvangen vanaf"
LABEL_UNTIL = "Geschenken ontvangen tot en met"
LABEL_RVC = "RvC doet mee"
LABEL_EXCLUDE = "Uitgesloten personeelsnummers"
LABEL_GIFTS = "Aantal geschenken"
LABEL_COUNT = "Aantal deelnemers"
LABEL_REASON = "Opnieuw getrokken, reden"
REQUIRED_LABELS = (LABEL_SEED, LABEL_ALGORITHM, LABEL_POOL, LABEL_PEOPLE, LABEL_DAY, LABEL_FROM, LABEL_UNTIL)


@dataclass(frozen=True)
class RaffleSettings:
    """What decides the pool and the participants; recorded on the sheet so verify uses the same."""

    first: date
    last: date
    day: date
    include_rvc: bool
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class MailPreview:
    to: tuple[str, ...]
    subject: str
    text: str


@dataclass(frozen=True)
class RaffleNotifyResult:
    """Winner mails: previewed, or sent (`send`)."""

    year: int
    send: bool
    mails: tuple[MailPreview, ...]
    sent: int
    already_sent: int
    failed: tuple[str, ...]
    no_email: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class RaffleWinner:
    gift_nr: str
    gift: str
    giver: str
    winner: str
    number: str


@dataclass(frozen=True)
class RaffleDrawResult:
    """A draw as written to kerstloting.xlsx, with the winner mails (if asked)."""

    year: int
    workbook: str
    sheet: str
    seed: str
    algorithm: str
    pool_digest: str
    participants_digest: str
    drawn_at: str
    participants_on: date
    gifts: int
    participants: int
    winners: tuple[RaffleWinner, ...]
    retired_sheet: str | None
    reason: str | None
    notification: RaffleNotifyResult | None

    @property
    def ok(self) -> bool:
        return self.notification is None or self.notification.ok


@dataclass(frozen=True)
class RaffleVerifyResult:
    """`ok` when the recorded result is exactly what the draw gives; else the differences, first one first."""

    year: int
    workbook: str
    sheet: str
    differences: tuple[str, ...]
    gifts: int
    participants: int

    @property
    def ok(self) -> bool:
        return not self.differences


# -- settings, pool and participants -----------------------------------------------------------------------------


def _month_day(text: str, key: str, ws: Workspace) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in text.split("-"))
        date(2000, month, day)
    except ValueError:
        raise ConfigError(
            f"{ws.config.source}: '{key}' is {text!r}, geen maand-dag.", hint='schrijf MM-DD, bijvoorbeeld "11-01".'
        ) from None
    return month, day


def settings_for(ws: Workspace, year: int) -> RaffleSettings:
    """The window, draw date and participation rules from config.toml for Christmas `year`."""
    start = _month_day(ws.config.gifts.christmas_window_start, "gifts.christmas_window_start", ws)
    end = _month_day(ws.config.gifts.christmas_window_end, "gifts.christmas_window_end", ws)
    raffle = ws.config.raffle
    exclude = tuple(sorted({number.strip() for number in raffle.exclude if number.strip()}))
    return RaffleSettings(date(year, *start), date(year + 1, *end), ws.today, raffle.include_rvc, exclude)


def pool_for(ws: Workspace, settings: RaffleSettings) -> list[PoolGift]:
    """The Christmas gifts handed in centrally inside the window, keyed by their Nr."""
    from toolkit.gifts.rules import christmas_gifts_in_window
    from toolkit.gifts.service import gift_of
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(GIFTS), GIFTS)
    first, last = settings.first, settings.last
    rows = [(row, gift_of(row)) for row in table.rows]
    window = christmas_gifts_in_window(
        [(index, gift) for index, (_, gift) in enumerate(rows)],
        first.year,
        start=(first.month, first.day),
        end=(last.month, last.day),
    )
    chosen = [rows[index] for index, _ in window]
    missing = [row.excel_row for row, _ in chosen if row.nr is None]
    if missing:
        raise InputError(
            f"{GIFTS.filename}, blad {GIFTS.sheet}: kerstgeschenk(en) zonder Nr in rij {', '.join(map(str, missing))}.",
            hint="draai eerst 'integrity gifts check' (die nummert de rijen) en trek daarna.",
        )
    return [PoolGift(str(row.nr), gift.description, gift.giver) for row, gift in chosen]


def participants_for(ws: Workspace, settings: RaffleSettings) -> list[Participant]:
    """Everyone employed on the draw date, RvC only if configured, minus the excluded personeelsnummers."""
    from toolkit.onboarding.rules import Employee, employed_on
    from toolkit.registers.reader import read_register

    table = read_register(ws.register_path(STAFF), STAFF)
    problems = [str(f) for f in table.findings if f.location.column in STAFF_KEY_COLUMNS]
    if problems:
        raise InputError(
            "wie meedoet aan de kerstloting is niet eenduidig: " + "; ".join(problems[:5]),
            hint="verbeter de genoemde cellen in medewerkers.xlsx en probeer het opnieuw.",
        )
    excluded = {number.casefold() for number in settings.exclude}
    people = []
    for row in table.rows:
        number, role = row.get("Personeelsnummer"), row.get("Rol")
        employee = Employee(number, row.get("Naam"), row.get("E-mail"), role, None,
                            row.get("In dienst per"), row.get("Uit dienst per"), None, None, None)  # fmt: skip
        if not employed_on(employee, settings.day) or number.casefold() in excluded:
            continue
        if role == RVC_ROLE and not settings.include_rvc:
            continue
        people.append(Participant(number, row.get("Naam"), row.get("E-mail")))
    return people


# -- the result sheet --------------------------------------------------------------------------------------------


def _sheet_names(path: Any) -> list[str]:
    from python_calamine import CalamineWorkbook

    if not path.exists():
        return []
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


def _notes(result: DrawResult, settings: RaffleSettings, year: int, drawn_at: str, reason: str | None) -> list:
    notes = [
        (LABEL_YEAR, str(year)),
        (LABEL_SEED, result.seed),
        (LABEL_ALGORITHM, result.algorithm),
        (LABEL_POOL, result.pool_digest),
        (LABEL_PEOPLE, result.participants_digest),
        (LABEL_TIME, drawn_at),
        (LABEL_DAY, settings.day.isoformat()),
        (LABEL_FROM, settings.first.isoformat()),
        (LABEL_UNTIL, settings.last.isoformat()),
        (LABEL_RVC, "ja" if settings.include_rvc else "nee"),
        (LABEL_EXCLUDE, ", ".join(settings.exclude)),
        (LABEL_GIFTS, str(len(result.assignments))),
    ]
    return notes + [(LABEL_REASON, reason)] if reason else notes


def _table_rows(result: DrawResult) -> list[list[str]]:
    return [[g.key, g.description, g.giver, p.name, p.key, p.email or ""] for g, p in result.assignments]


def _retire(ws: Workspace, path: Any, sheet: str, existing: Sequence[str]) -> str:
    """Rename the year's sheet to '<year> (vervallen N)', keeping it; its table gets a matching unique name."""
    number = 1
    while f"{sheet} (vervallen {number})" in existing:
        number += 1
    new = f"{sheet} (vervallen {number})"
    from toolkit.registers.owned import rename_sheet

    rename_sheet(path, sheet, new, backups_dir=ws.backups_dir, keep_backups=ws.config.registers.backups_keep)
    return new


def _check_may_draw(existing: Sequence[str], sheet: str, redraw: bool, reason: str | None) -> None:
    if redraw and not (reason or "").strip():
        raise RefusedError(
            "opnieuw trekken kan alleen met een reden; er is niets veranderd.",
            hint=f"geef de reden mee: integrity raffle draw --year {sheet} --seed TEKST --redraw --reason 'waarom'.",
        )
    if sheet in existing and not redraw:
        raise RefusedError(
            f"{RAFFLE.filename}: de kerstloting van {sheet} is al getrokken (blad '{sheet}'); er is niets veranderd.",
            hint=f"controleer de uitslag met 'integrity raffle verify --year {sheet}'. Alleen als het echt moet: "
            "--redraw --reason 'waarom' (de oude uitslag blijft bewaard).",
        )


def _now(ws: Workspace) -> str:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(ws.config.organisation.timezone)).isoformat(timespec="seconds")


def draw_raffle(
    ws: Workspace,
    year: int,
    seed: str,
    *,
    redraw: bool = False,
    reason: str | None = None,
    notify: bool = False,
    send: bool = False,
) -> RaffleDrawResult:
    """Draw Christmas `year` with the announced seed and write its sheet; see the module docstring."""
    from toolkit.registers.create import create_empty_workbook
    from toolkit.registers.owned import write_table_sheet

    path, sheet = ws.register_path(RAFFLE), str(year)
    existing = _sheet_names(path)
    _check_may_draw(existing, sheet, redraw, reason)
    settings = settings_for(ws, year)
    people = participants_for(ws, settings)
    result = draw(pool_for(ws, settings), people, seed)
    drawn_at = _now(ws)
    if not path.exists():
        create_empty_workbook(path, RAFFLE.title)
    retired = _retire(ws, path, sheet, existing) if sheet in existing else None
    if retired:
        ws.audit.record("raffle.redraw", actor=ws.actor, target=RAFFLE.filename, year=year, kept_as=retired,
                        reason=(reason or "").strip())  # fmt: skip
    notes = [*_notes(result, settings, year, drawn_at, reason if retired else None), (LABEL_COUNT, str(len(people)))]
    write_table_sheet(path, sheet, HEADER, _table_rows(result), backups_dir=ws.backups_dir,
                      keep_backups=ws.config.registers.backups_keep, notes=notes)  # fmt: skip
    ws.audit.record("raffle.draw", actor=ws.actor, target=f"{RAFFLE.filename} blad {sheet}", year=year, seed=seed,
                    algorithm=result.algorithm, pool_digest=result.pool_digest,
                    participants_digest=result.participants_digest, gifts=len(result.assignments),
                    participants=len(people))  # fmt: skip
    notification = notify_winners(ws, year, send=send) if notify or send else None
    winners = tuple(RaffleWinner(g.key, g.description, g.giver, p.name, p.key) for g, p in result.assignments)
    return RaffleDrawResult(
        year=year,
        workbook=RAFFLE.filename,
        sheet=sheet,
        seed=result.seed,
        algorithm=result.algorithm,
        pool_digest=result.pool_digest,
        participants_digest=result.participants_digest,
        drawn_at=drawn_at,
        participants_on=settings.day,
        gifts=len(result.assignments),
        participants=len(people),
        winners=winners,
        retired_sheet=retired,
        reason=(reason or "").strip() or None if retired else None,
        notification=notification,
    )


# -- reading a result back ---------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _read_sheet(ws: Workspace, year: int) -> tuple[dict[str, str], list[list[str]]]:
    from python_calamine import CalamineWorkbook

    path, sheet = ws.register_path(RAFFLE), str(year)
    if sheet not in _sheet_names(path):
        raise InputError(
            f"{RAFFLE.filename}: geen uitslag voor {year} (blad '{sheet}' ontbreekt).",
            hint=f"trek eerst: integrity raffle draw --year {year} --seed TEKST.",
        )
    notes: dict[str, str] = {}
    table: list[list[str]] | None = None
    for cells in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).iter_rows():
        texts = [_cell_text(c) for c in cells]
        if table is not None:
            if any(texts):
                table.append((texts + [""] * len(HEADER))[: len(HEADER)])
        elif texts and texts[0] == HEADER[0]:
            table = []
        elif texts and texts[0]:
            notes[texts[0]] = texts[1] if len(texts) > 1 else ""
    return notes, table or []


def _recorded(notes: dict[str, str], table: list[list[str]], year: int) -> tuple[DrawResult, RaffleSettings]:
    missing = [label for label in REQUIRED_LABELS if not notes.get(label)]
    if missing:
        raise InputError(f"{RAFFLE.filename}, blad {year}: '{missing[0]}' ontbreekt of is leeg.")
    try:
        first, last, day = (date.fromisoformat(notes[label]) for label in (LABEL_FROM, LABEL_UNTIL, LABEL_DAY))
    except ValueError as exc:
        raise InputError(f"{RAFFLE.filename}, blad {year}: een vastgelegde datum is onleesbaar: {exc}") from None
    exclude = tuple(n.strip() for n in notes.get(LABEL_EXCLUDE, "").split(",") if n.strip())
    settings = RaffleSettings(first, last, day, notes.get(LABEL_RVC, "nee") == "ja", exclude)
    assignments = tuple(
        (PoolGift(nr, gift, giver), Participant(number, winner, email or None))
        for nr, gift, giver, winner, number, email in table
    )
    recorded = DrawResult(
        notes[LABEL_ALGORITHM], notes[LABEL_SEED], notes[LABEL_POOL], notes[LABEL_PEOPLE], assignments
    )
    return recorded, settings


def verify_raffle(ws: Workspace, year: int, announced_seed: str | None = None) -> RaffleVerifyResult:
    """Redo the draw from the sheet and the registers; the differences, first one first (none: identical)."""
    notes, table = _read_sheet(ws, year)
    try:
        recorded, settings = _recorded(notes, table, year)
    except InputError as exc:
        return RaffleVerifyResult(year, RAFFLE.filename, str(year), (exc.message,), len(table), 0)
    gifts, people = pool_for(ws, settings), participants_for(ws, settings)
    differences = verify(recorded, gifts, people, announced_seed)
    recorded_count = notes.get(LABEL_GIFTS, "")
    if not differences and recorded_count != str(len(table)):
        differences = [f"'{LABEL_GIFTS}' zegt {recorded_count or 'niets'}, de uitslag telt {len(table)} geschenken"]
    ws.audit.record("raffle.verify", actor=ws.actor, target=f"{RAFFLE.filename} blad {year}", year=year,
                    identical=int(not differences))  # fmt: skip
    return RaffleVerifyResult(year, RAFFLE.filename, str(year), tuple(differences), len(gifts), len(people))


# -- winner mails ------------------------------------------------------------------------------------------------


def _by_winner(result: DrawResult) -> dict[str, tuple[Participant, list[PoolGift]]]:
    grouped: dict[str, tuple[Participant, list[PoolGift]]] = {}
    for gift, person in result.assignments:
        grouped.setdefault(person.key, (person, []))[1].append(gift)
    return grouped


def _winner_mail(ws: Workspace, year: int, person: Participant, gifts: Iterable[PoolGift]) -> OutgoingMail:
    from toolkit.mail.message import OutgoingMail

    gifts = list(gifts)
    context = {
        "organisatie": ws.config.organisation.name,
        "naam": person.name,
        "jaar": year,
        "geschenken": [{"nr": g.key, "omschrijving": g.description, "gever": g.giver} for g in gifts],
        "hr": ws.config.organisation.hr,
    }
    rendered = ws.templates.render(WINNER_KIND, context, ws.config.organisation.language)
    won = hashlib.sha256("\n".join(sorted(g.key for g in gifts)).encode()).hexdigest()[:16]
    return OutgoingMail(
        key=f"kerstloting-winnaar:{year}:{person.key}:{won}",
        purpose=WINNER_KIND,
        to=(person.email or "",),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        audit_ref=f"{RAFFLE.filename} blad {year}",
    )


def notify_winners(ws: Workspace, year: int, *, send: bool = False) -> RaffleNotifyResult:
    """Mail each winner of `year` (preview unless `send`), only when the recorded result still verifies."""
    check = verify_raffle(ws, year)
    if not check.ok:
        raise RefusedError(
            f"de uitslag van {year} klopt niet meer: {check.differences[0]}; er is niets verstuurd.",
            hint=f"zoek het verschil uit met 'integrity raffle verify --year {year}'.",
        )
    notes, table = _read_sheet(ws, year)
    recorded, _ = _recorded(notes, table, year)
    mails, no_email = [], []
    for person, gifts in _by_winner(recorded).values():
        if person.email:
            mails.append(_winner_mail(ws, year, person, gifts))
        else:
            no_email.append(f"{person.name} ({person.key})")
    previews = tuple(MailPreview(m.to, m.subject, m.text) for m in mails)
    if not send:
        return RaffleNotifyResult(year, False, previews, 0, 0, (), tuple(no_email))
    report = ws.mailer().send_all(mails)
    failed = tuple(f"{key}: {why}" for key, why in report.failed) + (
        (report.stopped_early,) if report.stopped_early else ()
    )
    sent = len(report.sent) + len(report.recovered)
    return RaffleNotifyResult(year, True, previews, sent, len(report.already_sent), failed, tuple(no_email))
