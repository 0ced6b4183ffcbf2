"""The Christmas raffle on a workspace: draw over the announced inputs, record the result, verify it, notify winners.

The draw needs an announcement (`toolkit.raffle.announce`): the frozen gifts and lot numbers, published and mailed
before the seed exists. `draw_raffle` takes the seed from the announced source at draw time, draws over the frozen
inputs only (what the registers say now cannot steer it), and writes

- the published result beside the announcement (`kerstloting-2026-uitslag.txt`: gift Nr -> winning lot), and
- the sheet `2026` of kerstloting.xlsx for HR: the notes needed to redo the draw and, per gift, the winning lot
  with the winner's name from the lot list.

A year already drawn is refused (RefusedError, exit 7) unless redrawn with a reason: the old sheet is kept as
'2026 (vervallen 1)', the old result file likewise, and the reason goes to the audit trail.

`verify_raffle` checks the published pair (`toolkit.raffle.published.verify_published`: needs nothing else, so
later HR edits change nothing), that the sheet says what the published result says, and that no pool gift was
reworded, removed or added in the gifts register since the announcement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, RefusedError
from toolkit.raffle.announce import (
    LotHolder,
    announcement_path,
    now_in,
    read_announcement,
    read_lots,
    result_path,
)
from toolkit.raffle.draw import ALGORITHM_VERSION, PoolGift, participants_digest, pool_digest
from toolkit.raffle.inputs import pool_for, settings_for
from toolkit.raffle.published import (
    Announcement,
    PublishedResult,
    announcement_digest,
    draw_from,
    parse_result,
    verify_published,
)
from toolkit.registers.schema import RAFFLE

if TYPE_CHECKING:
    from toolkit.mail.message import OutgoingMail
    from toolkit.workspace import Workspace

WINNER_KIND = "kerstloting_winnaar"
HEADER = ("Nr geschenk", "Geschenk", "Gever", "Lotnummer", "Winnaar", "Personeelsnummer", "E-mail")

LABEL_YEAR = "Jaar"
LABEL_SEED = "Seed (bij de trekking)"
LABEL_SOURCE = "Seed-bron (vooraf aangekondigd)"
LABEL_ALGORITHM = "Algoritme"
LABEL_ANNOUNCEMENT = "Aankondiging-digest (SHA-256)"
LABEL_POOL = "Pool-digest (SHA-256)"
LABEL_PEOPLE = "Deelnemers-digest (SHA-256)"
LABEL_TIME = "Getrokken op"
LABEL_RESULT = "Gepubliceerde uitslag"
LABEL_GIFTS = "Aantal geschenken"
LABEL_COUNT = "Aantal deelnemers (loten)"
LABEL_REASON = "Opnieuw getrokken, reden"


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
    lot: str
    winner: str
    number: str


@dataclass(frozen=True)
class RaffleDrawResult:
    """A draw as published and written to kerstloting.xlsx, with the winner mails (if asked)."""

    year: int
    workbook: str
    sheet: str
    result_file: str
    seed: str
    seed_source: str
    algorithm: str
    announcement_digest: str
    drawn_at: str
    gifts: int
    participants: int
    winners: tuple[RaffleWinner, ...]
    changed_since_announcement: tuple[str, ...]
    retired_sheet: str | None
    reason: str | None
    notification: RaffleNotifyResult | None

    @property
    def ok(self) -> bool:
        return self.notification is None or self.notification.ok


@dataclass(frozen=True)
class RaffleVerifyResult:
    """`ok` when the published result is exactly the draw over the announced inputs and all agrees with it."""

    year: int
    checked: str  # what was compared, for the message
    differences: tuple[str, ...]
    gifts: int
    participants: int

    @property
    def ok(self) -> bool:
        return not self.differences


# -- drawing -------------------------------------------------------------------------------------------------------


def changes_since(announcement: Announcement, current: Sequence[PoolGift]) -> list[str]:
    """Pool gifts reworded, removed or added in the gifts register since the announcement (they do not count)."""
    before = {g.key: g for g in announcement.gifts}
    now = {g.key: g for g in current}
    changes = [f"geschenk {k} ({g.description}) is na de aankondiging toegevoegd en doet niet mee"
               for k, g in now.items() if k not in before]  # fmt: skip
    changes += [f"geschenk {k} ({g.description}) is na de aankondiging uit het register verdwenen"
                for k, g in before.items() if k not in now]  # fmt: skip
    for key, gift in now.items():
        old = before.get(key)
        if old is not None and (old.description, old.giver) != (gift.description, gift.giver):
            changes.append(f"geschenk {key} is na de aankondiging gewijzigd: '{old.description}' van {old.giver} "
                           f"is nu '{gift.description}' van {gift.giver}")  # fmt: skip
    return changes


def _current_pool(ws: Workspace, year: int) -> list[PoolGift]:
    return pool_for(ws, settings_for(ws, year))


def _sheet_names(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    if not path.exists():
        return []
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


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


def _retire(ws: Workspace, year: int, existing: Sequence[str]) -> str:
    """Keep the earlier draw: sheet '<year> (vervallen N)' and its published result file likewise."""
    from toolkit.registers.owned import rename_sheet

    number = 1
    while f"{year} (vervallen {number})" in existing:
        number += 1
    new = f"{year} (vervallen {number})"
    rename_sheet(ws.register_path(RAFFLE), str(year), new, backups_dir=ws.backups_dir,
                 keep_backups=ws.config.registers.backups_keep)  # fmt: skip
    published = result_path(ws, year)
    if published.exists():
        published.rename(published.with_name(f"kerstloting-{year}-uitslag (vervallen {number}).txt"))
    return new


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
    """Draw `year` over its announced inputs with the seed from the announced source; see the module docstring."""
    from toolkit.files import write_atomically
    from toolkit.registers.owned import write_table_sheet

    announcement, text = read_announcement(ws, year)
    holders = {h.lot: h for h in read_lots(ws, year)}
    existing, sheet = _sheet_names(ws.register_path(RAFFLE)), str(year)
    _check_may_draw(existing, sheet, redraw, reason)
    published = draw_from(announcement, seed, now_in(ws))
    changes = tuple(changes_since(announcement, _current_pool(ws, year)))
    retired = _retire(ws, year, existing) if sheet in existing else None
    if retired:
        ws.audit.record("raffle.redraw", actor=ws.actor, target=RAFFLE.filename, year=year, kept_as=retired,
                        reason=(reason or "").strip())  # fmt: skip
    write_atomically(result_path(ws, year), published.text().encode("utf-8"))
    gifts = {g.key: g for g in announcement.gifts}
    rows = [_row(gifts[nr], holders.get(lot), lot) for nr, lot in published.assignments]
    notes = _notes(announcement, text, published, reason if retired else None, result_path(ws, year).name)
    write_table_sheet(ws.register_path(RAFFLE), sheet, HEADER, rows, backups_dir=ws.backups_dir,
                      keep_backups=ws.config.registers.backups_keep, notes=notes)  # fmt: skip
    ws.audit.record("raffle.draw", actor=ws.actor, target=f"{RAFFLE.filename} blad {sheet}", year=year, seed=seed,
                    announcement=announcement_digest(text), gifts=len(published.assignments),
                    participants=len(announcement.lots), changed_since_announcement=len(changes))  # fmt: skip
    notification = notify_winners(ws, year, send=send) if notify or send else None
    winners = tuple(RaffleWinner(*row[:6]) for row in rows)
    return RaffleDrawResult(
        year=year, workbook=RAFFLE.filename, sheet=sheet, result_file=result_path(ws, year).name,
        seed=published.seed, seed_source=announcement.seed_source, algorithm=ALGORITHM_VERSION,
        announcement_digest=announcement_digest(text), drawn_at=published.drawn_at, gifts=len(published.assignments),
        participants=len(announcement.lots), winners=winners, changed_since_announcement=changes,
        retired_sheet=retired, reason=(reason or "").strip() or None if retired else None, notification=notification,
    )  # fmt: skip


def _row(gift: PoolGift, holder: LotHolder | None, lot: str) -> list[str]:
    if holder is None:
        raise InputError(f"{RAFFLE.filename}: lot {lot} staat niet in de lotenlijst; er is niets vastgelegd.",
                         hint="de lotenlijst is na de aankondiging gewijzigd: herstel haar uit de reservekopie.")  # fmt: skip
    return [gift.key, gift.description, gift.giver, lot, holder.name, holder.number, holder.email]


def _notes(announcement: Announcement, text: str, published: PublishedResult, reason: str | None,
           result_file: str) -> list[tuple[str, str]]:  # fmt: skip
    notes = [
        (LABEL_YEAR, str(announcement.year)),
        (LABEL_SEED, published.seed),
        (LABEL_SOURCE, announcement.seed_source),
        (LABEL_ALGORITHM, ALGORITHM_VERSION),
        (LABEL_ANNOUNCEMENT, announcement_digest(text)),
        (LABEL_POOL, pool_digest(announcement.gifts)),
        (LABEL_PEOPLE, participants_digest(announcement.participants)),
        (LABEL_TIME, published.drawn_at),
        (LABEL_RESULT, result_file),
        (LABEL_GIFTS, str(len(published.assignments))),
        (LABEL_COUNT, str(len(announcement.lots))),
    ]
    return notes + [(LABEL_REASON, reason)] if reason else notes


# -- verifying -----------------------------------------------------------------------------------------------------


def verify_files(announcement_file: Path, result_file: Path) -> RaffleVerifyResult:
    """Redo the draw from the two published files alone (no workspace, no staff list, no registers)."""
    texts = []
    for path in (announcement_file, result_file):
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path} kan niet worden gelezen: {exc}.",
                             hint="geef de gepubliceerde aankondiging en uitslag (tekstbestanden).") from None  # fmt: skip
    differences = verify_published(*texts)
    year, gifts, lots = _counts(texts[0])
    return RaffleVerifyResult(
        year, f"{result_file.name} tegen {announcement_file.name}", tuple(differences), gifts, lots
    )


def _counts(announcement_text: str) -> tuple[int, int, int]:
    from toolkit.raffle.published import parse_announcement

    try:
        announcement = parse_announcement(announcement_text)
    except InputError:
        return 0, 0, 0
    return announcement.year, len(announcement.gifts), len(announcement.lots)


def verify_raffle(ws: Workspace, year: int, announced_seed: str | None = None) -> RaffleVerifyResult:
    """The published pair, the sheet against it, and the gifts register against the announcement."""
    announcement, text = read_announcement(ws, year)
    published_path = result_path(ws, year)
    if not published_path.exists() or str(year) not in _sheet_names(ws.register_path(RAFFLE)):
        raise InputError(
            f"{RAFFLE.filename}: geen uitslag voor {year} (blad '{year}' of {published_path.name} ontbreekt).",
            hint=f"trek eerst: integrity raffle draw --year {year} --seed TEKST.",
        )
    result_text = published_path.read_text(encoding="utf-8")
    differences = verify_published(text, result_text)
    published = parse_result(result_text, published_path.name)
    if announced_seed is not None and announced_seed.strip() != published.seed:
        differences.append(f"de vastgelegde seed '{published.seed}' is niet de bekendgemaakte seed '{announced_seed}'")
    differences += _sheet_differences(ws, year, published, {h.lot: h for h in read_lots(ws, year)})
    differences += changes_since(announcement, _current_pool(ws, year))
    checked = f"{RAFFLE.filename} (blad '{year}'), {published_path.name} en {announcement_path(ws, year).name}"
    return RaffleVerifyResult(year, checked, tuple(differences), len(announcement.gifts), len(announcement.lots))


def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def read_result_sheet(ws: Workspace, year: int) -> list[list[str]]:
    """The table rows of the sheet `year` (HEADER's columns), as text."""
    from python_calamine import CalamineWorkbook

    rows, table = CalamineWorkbook.from_path(str(ws.register_path(RAFFLE))).get_sheet_by_name(str(year)), None
    found: list[list[str]] = []
    for cells in rows.iter_rows():
        texts = [_cell_text(c) for c in cells]
        if table is not None:
            if any(texts):
                found.append((texts + [""] * len(HEADER))[: len(HEADER)])
        elif texts and texts[0] == HEADER[0]:
            table = True
    return found


def _sheet_differences(
    ws: Workspace, year: int, published: PublishedResult, holders: dict[str, LotHolder]
) -> list[str]:
    expected = dict(published.assignments)
    differences = []
    rows = read_result_sheet(ws, year)
    for nr, gift, _giver, lot, winner, number, _email in rows:
        holder = holders.get(lot)
        if expected.pop(nr, None) != lot:
            differences.append(f"blad {year}: geschenk {nr} ({gift}) staat bij lot {lot or '-'}, "
                               "de gepubliceerde uitslag zegt anders")  # fmt: skip
        elif holder is None or (holder.name, holder.number) != (winner, number):
            differences.append(f"blad {year}: de winnaar van geschenk {nr} ({gift}) is na de trekking gewijzigd "
                               f"(lot {lot} is van {holder.name if holder else 'niemand'})")  # fmt: skip
    differences += [f"blad {year}: geschenk {nr} ontbreekt" for nr in expected]
    return differences


# -- winner mails ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Winner:
    key: str
    name: str
    email: str


def _by_winner(rows: list[list[str]]) -> dict[str, tuple[_Winner, list[PoolGift]]]:
    grouped: dict[str, tuple[_Winner, list[PoolGift]]] = {}
    for nr, gift, giver, _lot, winner, number, email in rows:
        grouped.setdefault(number, (_Winner(number, winner, email), []))[1].append(PoolGift(nr, gift, giver))
    return grouped


def _winner_mail(ws: Workspace, year: int, person: _Winner, gifts: Iterable[PoolGift]) -> OutgoingMail:
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
    mails, no_email = [], []
    for person, gifts in _by_winner(read_result_sheet(ws, year)).values():
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
