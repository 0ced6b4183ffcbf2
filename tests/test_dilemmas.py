"""Dilemmas and integrity on the agenda: periods, first reminder and one follow-up, a filled date stops them, no names."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.dilemmas.agenda import Discussed, Schedule, anonymise, due, name_patterns, period_for
from toolkit.dilemmas.service import remind
from toolkit.workspace import Workspace

QUARTERLY = Schedule("team", "quarterly", day=1, followup_days=21)


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def add_discussed(root: Path, meeting: str, day: date, team: str = "") -> None:
    """Fill a row in the Besproken sheet, as a secretary does in Excel."""
    from openpyxl import load_workbook

    path = root / "registers" / "dilemmas.xlsx"
    book = load_workbook(path)
    sheet = book["Besproken"]
    headers = [cell.value for cell in sheet[1]]
    values = {"Overleg": meeting, "Team": team or None, "Datum": day}
    sheet.append([values.get(str(h)) for h in headers])
    book.save(path)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A demo workspace made by `integrity init --demo` on 26 November 2026."""
    folder = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(folder), "--demo").exit_code == 0
    return folder


@pytest.fixture
def open_ws(root: Path) -> Iterator[Callable[[date], Workspace]]:
    opened: list[Workspace] = []

    def make(day: date) -> Workspace:
        ws = Workspace(load_config(root / "config.toml"), day)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


def test_quarter_periods_start_at_their_slot_and_end_on_the_last_day() -> None:
    """1 April belongs to K2 (slot 1 April); 31 March to K1; the key names the quarter."""
    assert period_for(QUARTERLY, date(2027, 3, 31)).ident == "2027-K1"  # type: ignore[union-attr]
    april = period_for(QUARTERLY, date(2027, 4, 1))
    assert april is not None and april.ident == "2027-K2" and april.slot == date(2027, 4, 1)
    assert april.ends == date(2027, 6, 30)


def test_follow_up_goes_only_after_followup_days_and_only_after_the_first() -> None:
    """Day 21 after the slot: no follow-up; day 22: one, once the first went; never when a date is filled."""
    first = due(QUARTERLY, date(2027, 4, 1), [], set(), ["Wonen"], follow_up=False)
    assert [r.key for r in first] == ["agenda:team:2027-K2:wonen"]
    sent = {first[0].key}
    assert due(QUARTERLY, date(2027, 4, 21), [], sent, ["Wonen"], follow_up=True) == []
    later = due(QUARTERLY, date(2027, 4, 22), [], sent, ["Wonen"], follow_up=True)
    assert [r.key for r in later] == ["agenda:team:2027-K2:wonen:herinnering"]
    assert due(QUARTERLY, date(2027, 4, 22), [], set(), ["Wonen"], follow_up=True) == []
    filled = [Discussed("teamoverleg", "wonen", date(2027, 4, 10))]
    assert due(QUARTERLY, date(2027, 4, 22), filled, sent, ["Wonen"], follow_up=True) == []
    other_team = [Discussed("teamoverleg", "Vastgoed", date(2027, 4, 10))]
    assert len(due(QUARTERLY, date(2027, 4, 22), other_team, sent, ["Wonen"], follow_up=True)) == 1


def test_a_date_in_the_previous_quarter_does_not_count() -> None:
    """A team meeting on 31 March does not close the second quarter."""
    filled = [Discussed("teamoverleg", "Wonen", date(2027, 3, 31))]
    assert len(due(QUARTERLY, date(2027, 4, 1), filled, set(), ["Wonen"], follow_up=False)) == 1


def test_meeting_dates_remind_days_ahead() -> None:
    """A meeting on 15 March with days_ahead 7: nothing on 7 March, the reminder on 8 March."""
    schedule = Schedule("rvc", "meetings", meetings=(date(2027, 3, 15),), days_ahead=7, followup_days=21)
    assert due(schedule, date(2027, 3, 7), [], set(), follow_up=False) == []
    assert [r.key for r in due(schedule, date(2027, 3, 8), [], set(), follow_up=False)] == ["agenda:rvc:2027-03-15"]


def test_anonymise_removes_known_names_and_addresses() -> None:
    """Full names, capitalised name parts and e-mail addresses become [naam]; other words stay."""
    patterns = name_patterns(["Jan de Vries", "Fatima El Amrani"])
    text = anonymise("Jan vroeg fatima el amrani (f.e@x.nl) of De Vries mocht; Janssen niet", patterns)
    assert text == "[naam] vroeg [naam] ([naam]) of De [naam] mocht; Janssen niet"


def test_staff_meeting_reminder_once_per_year_to_hr_and_the_director(root: Path, open_ws) -> None:
    """Before 1 September nothing; on it one reminder to HR and the director; not again that year; again next year."""
    for path in (root / "mail" / "outbox").glob("*.eml"):
        path.unlink()
    assert remind(open_ws(date(2026, 8, 31)), ("staff",), follow_up=False, send=True).sent == 0
    assert remind(open_ws(date(2026, 9, 1)), ("staff",), follow_up=False, send=True).sent == 1
    assert remind(open_ws(date(2026, 9, 20)), ("staff",), follow_up=False, send=True).sent == 0
    assert remind(open_ws(date(2027, 9, 3)), ("staff",), follow_up=False, send=True).sent == 1
    config = open_ws(date(2027, 9, 3)).config.organisation
    assert {str(m["To"]) for m in outbox(root)} == {f"{config.hr}, {config.director}"}


def test_staff_meeting_already_held_this_year_means_no_reminder(root: Path, open_ws) -> None:
    """A staff meeting in March with integrity discussed: the September reminder is not sent."""
    add_discussed(root, "medewerkersbijeenkomst", date(2027, 3, 12))
    assert remind(open_ws(date(2027, 9, 1)), ("staff",), follow_up=False, send=True).sent == 0


def test_team_reminder_attaches_recent_cases_without_names(root: Path, open_ws) -> None:
    """Each team leader's mail carries the shared cases; no staff name or decider appears in it."""
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import STAFF

    for path in (root / "mail" / "outbox").glob("*.eml"):
        path.unlink()
    result = remind(open_ws(date(2027, 1, 4)), ("team",), follow_up=False, send=True)
    assert result.sent >= 5
    mail = outbox(root)[0]
    attachment = next(part for part in mail.iter_attachments())
    text = attachment.get_content()
    assert "Casus" in text and "[naam]" in text
    names = [str(r.get("Naam")) for r in read_register(root / "registers" / "medewerkers.xlsx", STAFF).rows]
    assert not [name for name in names if name in text or name in mail.get_body().get_content()]  # type: ignore[union-attr]


def test_nightly_sends_the_follow_up_once_and_not_after_the_date_is_filled(root: Path, run_cli) -> None:
    """MT reminded on 1 Feb; no date: one follow-up on 23 Feb; a second MT month with a date filled: no follow-up."""
    config = str(root / "config.toml")

    def mt_subjects() -> list[str]:
        return sorted(str(m["Subject"]) for m in outbox(root) if ": MT," in str(m["Subject"]))

    for day in ("2027-02-02", "2027-02-22", "2027-02-23", "2027-02-24"):
        run_cli("--config", config, "--as-of", day, "nightly")
    assert mt_subjects() == ["Integriteit op de agenda: MT, februari 2027",
                             "Integriteit op de agenda: MT, februari 2027 (nog niet besproken)"]  # fmt: skip
    run_cli("--config", config, "--as-of", "2027-03-02", "nightly")
    add_discussed(root, "MT", date(2027, 3, 9))
    run_cli("--config", config, "--as-of", "2027-03-23", "nightly")
    assert [s for s in mt_subjects() if "maart" in s] == ["Integriteit op de agenda: MT, maart 2027"]


def test_the_uitleg_sheet_explains_both_sheets(root: Path) -> None:
    """dilemmas.xlsx has Casussen, Besproken and an Uitleg that explains the columns of both."""
    from openpyxl import load_workbook

    book = load_workbook(root / "registers" / "dilemmas.xlsx")
    assert book.sheetnames[:3] == ["Casussen", "Besproken", "Uitleg"]
    words = {str(c.value) for row in book["Uitleg"].iter_rows() for c in row if c.value}
    assert "Blad 'Besproken': Integriteit besproken: teamoverleg, MT, RvC en medewerkersbijeenkomst" in words
    assert {"Uitleg besluit", "Overleg", "Besloten door"} <= words


def test_rvc_meeting_dates_from_config_remind_once_days_ahead(root: Path, run_cli) -> None:
    """[dilemmas] rvc_meetings = 15 March: nothing on the nightly of 7 March, one reminder from 8 March, not again."""
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8").replace("rvc_meetings = []", 'rvc_meetings = ["2027-03-15"]')
    config.write_text(text, encoding="utf-8")

    def rvc() -> list[str]:
        return [str(m["Subject"]) for m in outbox(root) if ": RvC," in str(m["Subject"])]

    run_cli("--config", str(config), "--as-of", "2027-03-07", "nightly")
    assert rvc() == []
    for day in ("2027-03-08", "2027-03-09"):
        run_cli("--config", str(config), "--as-of", day, "nightly")
    assert rvc() == ["Integriteit op de agenda: RvC, de vergadering van 15 maart 2027"]
