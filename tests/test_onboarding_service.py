"""Onboarding through a real workspace: the welcome mail with the code, the digest for M&O, status."""

from __future__ import annotations

import email
import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from email.message import EmailMessage
from email.policy import default
from pathlib import Path
from typing import Any

import pytest

from toolkit.config import load_config
from toolkit.errors import InputError
from toolkit.onboarding.service import onboarding_status, plan_welcome, send_welcome
from toolkit.registers.create import create_register
from toolkit.registers.reader import read_register
from toolkit.registers.schema import STAFF
from toolkit.workspace import Workspace

TODAY = date(2026, 11, 26)  # init writes send_from = 2026-10-27 (30 days back)
NAMES = [
    "Anouk Bakker",
    "Bilal Chaouch",
    "Cor Dijkstra",
    "Dewi Eshuis",
    "Emre Faber",
    "Floor Gerritsen",
    "Gijs Hoekstra",
]


def person(n: int, start: date | None, **changes: Any) -> dict[str, Any]:
    """One staff row: Nr n, a unique name and address."""
    row = {
        "Nr": n,
        "Personeelsnummer": f"P{n:04d}",
        "Naam": NAMES[n - 1],
        "E-mail": f"{NAMES[n - 1].lower().replace(' ', '.')}@woonpartners.example",
        "Afdeling": "Wonen",
        "Functie": "Woonconsulent",
        "Rol": "medewerker",
        "In dienst per": start,
    }
    row.update(changes)
    return row


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    """A workspace made by `integrity init` on TODAY (no demo data)."""
    folder = tmp_path / "ws"
    result = run_cli("--as-of", TODAY.isoformat(), "init", str(folder))
    assert result.exit_code == 0, result.stderr
    return folder


@pytest.fixture
def open_ws(root: Path) -> Iterator[Callable[[date], Workspace]]:
    """Workspaces on a given day, closed at the end."""
    opened: list[Workspace] = []

    def make(day: date = TODAY) -> Workspace:
        ws = Workspace(load_config(root / "config.toml"), day)
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


def staff(root: Path, rows: list[dict[str, Any]]) -> Path:
    path = root / "registers" / STAFF.filename
    path.unlink()
    create_register(path, STAFF, rows)
    return path


def outbox(root: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=default)  # type: ignore[misc]
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def welcomes_to(root: Path) -> set[str]:
    return {str(m["To"]) for m in outbox(root) if m["Subject"].startswith("Welkom")}


def digests(root: Path) -> list[EmailMessage]:
    return [m for m in outbox(root) if m["Subject"].startswith("Nieuwe medewerkers")]


def address(n: int) -> str:
    return person(n, None)["E-mail"]


def private(n: int) -> str:
    """The private address of person n (optional column 'Privé e-mail')."""
    return NAMES[n - 1].lower().replace(" ", ".") + "@thuis.example"


def ahead(n: int, days: int, **changes: Any) -> dict[str, Any]:
    """Person n starting `days` from TODAY, with a private address (so the welcome can go before the start)."""
    return person(n, TODAY + timedelta(days=days), **{"Privé e-mail": private(n)}, **changes)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def send(ws: Workspace):
    return send_welcome(ws, plan_welcome(ws), send=True)


def test_init_writes_a_send_from_thirty_days_back(root: Path) -> None:
    """A new workspace welcomes only staff starting from 30 days before init, not everyone ever hired."""
    assert load_config(root / "config.toml").onboarding.joined_since == TODAY - timedelta(days=30)


def test_window_boundaries_through_the_register(root: Path, open_ws) -> None:
    """Private address 14 days ahead, start today or send_from: sent; 15 days ahead, business only ahead, earlier: not."""
    staff(
        root,
        [
            ahead(1, 14),  # to the private address
            ahead(2, 15),
            person(3, TODAY),
            person(4, TODAY - timedelta(days=30)),  # exactly send_from
            person(5, TODAY - timedelta(days=31)),  # joined before the toolkit
            person(6, None),
            person(7, TODAY + timedelta(days=1)),  # business address only: not before the first working day
        ],
    )
    result = send(open_ws())
    assert result.welcomes == 3
    assert welcomes_to(root) == {private(1), address(3), address(4)}


def test_leavers_people_already_sent_and_without_email(root: Path, open_ws) -> None:
    """A leaver and someone already sent to get nothing; someone leaving today still does; no e-mail is a problem."""
    staff(
        root,
        [
            person(1, TODAY - timedelta(days=10), **{"Uit dienst per": TODAY - timedelta(days=1)}),
            person(2, TODAY - timedelta(days=10), **{"Uit dienst per": TODAY}),
            person(3, TODAY + timedelta(days=3), **{"Code verzonden op": TODAY - timedelta(days=2)}),
            person(4, TODAY - timedelta(days=1), **{"E-mail": None}),  # started, no address at all
        ],
    )
    ws = open_ws()
    plan = plan_welcome(ws)
    assert [p.number for p in plan.due] == ["P0002"]
    assert len(plan.problems) == 1 and "Dewi Eshuis" in plan.problems[0] and "E-mail" in plan.problems[0]
    send_welcome(ws, plan, send=True)
    assert welcomes_to(root) == {address(2)}


def test_code_sent_on_is_filled_only_for_those_welcomed(root: Path, open_ws) -> None:
    """After sending, 'Code verzonden op' holds today for the welcomed rows and stays empty for the others."""
    path = staff(root, [ahead(1, 5), ahead(2, 40)])
    result = send(open_ws())
    assert result.recorded == 1
    sent_on = {row.get("Personeelsnummer"): row.get("Code verzonden op") for row in read_register(path, STAFF).rows}
    assert sent_on == {"P0001": TODAY, "P0002": None}


def test_rerun_sends_nothing_new(root: Path, open_ws) -> None:
    """A second run (same day or later) adds nothing to the outbox and leaves the register untouched."""
    path = staff(root, [ahead(1, 5), person(2, TODAY - timedelta(days=2))])
    send(open_ws())
    count, digest_before = len(outbox(root)), sha(path)
    assert count == 3  # two welcomes and one digest
    again = send(open_ws())
    later = send(open_ws(TODAY + timedelta(days=7)))
    assert (again.welcomes, later.welcomes) == (0, 0)
    assert len(outbox(root)) == count
    assert sha(path) == digest_before


def test_digest_lists_exactly_the_new_people(root: Path, open_ws) -> None:
    """The manager M&O gets one digest naming each newly welcomed person and nobody else."""
    staff(
        root,
        [
            ahead(1, 5),
            person(2, TODAY - timedelta(days=3)),
            ahead(3, 30),  # not yet
            person(4, TODAY - timedelta(days=3), **{"Code verzonden op": TODAY - timedelta(days=20)}),
            person(5, date(2019, 1, 1)),  # long employed
        ],
    )
    ws = open_ws()
    send(ws)
    [digest] = digests(root)
    assert str(digest["To"]) == ws.config.organisation.manager_mo
    body = digest.get_body(("plain",)).get_content()
    named = {name for name in NAMES if name in body}
    assert named == {NAMES[0], NAMES[1]}
    staff_later = [
        ahead(1, 5, **{"Code verzonden op": TODAY}),
        ahead(3, 30),
    ]
    staff(root, staff_later)
    send(open_ws(TODAY + timedelta(days=20)))  # person 3 now within 14 days
    [second] = [m for m in digests(root) if m["Message-ID"] != digest["Message-ID"]]
    assert {name for name in NAMES if name in second.get_body(("plain",)).get_content()} == {NAMES[2]}


@pytest.mark.parametrize("key", ["code_attachment", "handout_attachment"])
def test_missing_attachment_stops_before_anything_is_sent(root: Path, open_ws, key: str) -> None:
    """With the code or the handout file gone, nothing is sent, the register is unchanged and the key is named."""
    handout = root / "templates" / "bijlagen" / "handreiking.pdf"
    handout.write_bytes(b"%PDF-1.4 handreiking\n")
    config = root / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'code_attachment = "templates/bijlagen/integriteitscode.pdf"',
            'code_attachment = "templates/bijlagen/integriteitscode.pdf"\nhandout_attachment = "templates/bijlagen/handreiking.pdf"',
        ),
        encoding="utf-8",
    )
    path = staff(root, [person(1, TODAY + timedelta(days=5)), person(2, TODAY)])
    ws = open_ws()
    before = sha(path)
    ws.config.path(getattr(ws.config.paths, key)).unlink()
    with pytest.raises(InputError, match=key):
        send(ws)
    assert outbox(root) == []
    assert sha(path) == before
    assert ws.state.sent_count() == 0


def test_welcome_carries_code_and_handout(root: Path, open_ws) -> None:
    """The welcome mail goes to the new person with the code and the configured handout attached."""
    handout = root / "templates" / "bijlagen" / "handreiking.pdf"
    handout.write_bytes(b"%PDF-1.4 handreiking\n")
    config = root / "config.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[registers]", 'handout_attachment = "templates/bijlagen/handreiking.pdf"\n\n[registers]'
        ),
        encoding="utf-8",
    )
    staff(root, [person(1, TODAY)])
    send(open_ws())
    [welcome] = [m for m in outbox(root) if m["Subject"].startswith("Welkom")]
    assert str(welcome["To"]) == address(1)
    files = {part.get_filename(): part.get_content() for part in welcome.iter_attachments()}
    assert set(files) == {"integriteitscode.pdf", "handreiking.pdf"}
    assert files["handreiking.pdf"] == handout.read_bytes()
    assert NAMES[0] in welcome.get_body(("plain",)).get_content()


def test_locked_register_waits_and_a_later_run_neither_resends_nor_repeats_the_digest(root: Path, open_ws) -> None:
    """With medewerkers.xlsx open in Excel the mails go once; the date waits; the next day sends nothing again."""
    from toolkit.registers.pending import apply_pending

    path = staff(root, [ahead(1, 5)])
    lock = path.with_name("~$" + path.name)
    lock.write_bytes(b"owner")
    first = send(open_ws())
    assert first.waiting and first.welcomes == 1
    assert len(outbox(root)) == 2
    send(open_ws(TODAY + timedelta(days=1)))
    assert len(outbox(root)) == 2
    lock.unlink()
    apply_pending(open_ws(TODAY + timedelta(days=1)))
    assert read_register(path, STAFF).rows[0].get("Code verzonden op") == TODAY


def test_status_lists_who_is_behind(root: Path, open_ws) -> None:
    """Status names new staff past the conversation term or the confirmation term, and nobody else."""
    sent = {"Code verzonden op": TODAY - timedelta(days=50), "Ontvangst bevestigd op": TODAY - timedelta(days=49)}
    staff(
        root,
        [
            person(1, TODAY - timedelta(days=43), **sent),  # conversation late
            person(2, TODAY - timedelta(days=42), **sent),  # conversation still on time
            person(3, TODAY - timedelta(days=20), **{"Code verzonden op": TODAY - timedelta(days=15)}),  # unconfirmed
            person(4, TODAY - timedelta(days=20), **{"Code verzonden op": TODAY - timedelta(days=14)}),  # on time
            person(5, date(2019, 1, 1)),  # long employed, before the toolkit: not new
            person(6, TODAY - timedelta(days=60), **{**sent, "Uit dienst per": TODAY - timedelta(days=1)}),  # left
            ahead(7, 3),  # not yet sent, due now at the private address
        ],
    )
    status = onboarding_status(open_ws())
    assert {entry.number: len(entry.reasons) for entry in status.behind} == {"P0001": 1, "P0003": 1}
    assert "gesprek" in status.behind[0].reasons[0]
    assert "bevestigd" in status.behind[1].reasons[0]
    assert status.to_welcome == 1
    assert not status.ok


def test_cli_preview_sends_nothing_and_ends_with_the_command(root: Path, run_cli) -> None:
    """`onboarding send` shows the count, the first message and the digest, sends nothing, and names --send."""
    path = staff(root, [ahead(1, 5), person(2, TODAY)])
    before = sha(path)
    config = str(root / "config.toml")
    result = run_cli("--config", config, "--as-of", TODAY.isoformat(), "onboarding", "send")
    assert result.exit_code == 0, result.stderr
    assert "Voorbeeld: 2 nieuwe medewerkers krijgen" in result.output
    assert "Onderwerp: Welkom bij Woonpartners" in result.output
    assert "Bijlagen: integriteitscode.pdf" in result.output
    assert "Overzicht voor de manager Mens & Organisatie" in result.output
    assert result.output.rstrip().endswith(f"--config {config} --as-of {TODAY.isoformat()} onboarding send --send")
    assert outbox(root) == [] and sha(path) == before


def test_cli_send_then_status_json(root: Path, run_cli) -> None:
    """`onboarding send --send` sends and reports; `onboarding status --json` is machine-readable."""
    staff(root, [ahead(1, 5), person(2, TODAY - timedelta(days=3))])
    config = str(root / "config.toml")
    sent = run_cli("--config", config, "--as-of", TODAY.isoformat(), "onboarding", "send", "--send")
    assert sent.exit_code == 0, sent.stderr
    assert "2 welkomstberichten verstuurd" in sent.output
    assert len(outbox(root)) == 3
    status = run_cli(
        "--config", config, "--as-of", (TODAY + timedelta(days=60)).isoformat(), "onboarding", "status", "--json"
    )
    data = json.loads(status.output)
    assert {entry["number"] for entry in data["behind"]} == {"P0001", "P0002"}
    assert data["ok"] is False


def test_send_from_must_be_a_date(root: Path, run_cli) -> None:
    """A send_from that is not a date is a config error naming the key (exit 3)."""
    config = root / "config.toml"
    text = config.read_text(encoding="utf-8")
    assert 'send_from = "2026-10-27"' in text
    config.write_text(text.replace('send_from = "2026-10-27"', 'send_from = "27 oktober"'), encoding="utf-8")
    result = run_cli("--config", str(config), "onboarding", "status")
    assert result.exit_code == 3
    assert "onboarding.send_from" in result.stderr
