"""What the Christmas raffle takes from the registers: the gift pool, the participants and the settings.

- Pool: the year's Christmas gifts handed in centrally, received inside the window of [gifts]
  christmas_window_start (in the year) .. christmas_window_end (in the next year); each keyed by its `Nr`.
- Participants: everyone in medewerkers.xlsx employed on the announcement date (ws.today, the --as-of date),
  including the director and the RvC (the code's footnote counts them among "medewerkers"; `[raffle] include_rvc
  = false` leaves the RvC out), minus the personeelsnummers in [raffle] exclude; keyed by personeelsnummer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from toolkit.errors import ConfigError, InputError
from toolkit.raffle.draw import Participant, PoolGift
from toolkit.registers.schema import GIFTS, STAFF

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

RVC_ROLE = "RvC-lid"
STAFF_KEY_COLUMNS = frozenset({"Personeelsnummer", "Naam", "Rol", "In dienst per", "Uit dienst per"})


@dataclass(frozen=True)
class RaffleSettings:
    """What decides the pool and the participants."""

    first: date
    last: date
    day: date
    include_rvc: bool
    exclude: tuple[str, ...]


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
            f"{GIFTS.filename}, blad {GIFTS.sheet}: {'een kerstgeschenk' if len(missing) == 1 else 'kerstgeschenken'} "
            f"zonder Nr in {'rij' if len(missing) == 1 else 'rijen'} {', '.join(map(str, missing))}.",
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
