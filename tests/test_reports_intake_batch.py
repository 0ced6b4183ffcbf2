"""Report intake writes the case register once per run, and a run stopped between its steps loses and doubles nothing."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.reports_helpers import (
    OFFICER,
    PASSPHRASE,
    deliver,
    key_file,
    make_workspace,
    outbox,
    report_mail,
    waiting,
    workspace,
)
from toolkit.keys import load_private_key
from toolkit.reports.cases import case_archive, case_register
from toolkit.reports.register import HELD_PREFIX

AS_OF = "2026-11-26"
TODAY = date(2026, 11, 26)
REPORTERS = (
    ("Wilhelmina Kroonkurk", "w.kroonkurk@thuis.example", "Aannemer Grondverzet Oost betaalt de opzichter contant."),
    ("Barend Vlasbloem", "barend.vlasbloem@mail.example", "De sleutels van complex Zeemanhof worden doorverkocht."),
    ("Ottilie Zandkorrel", "o.zandkorrel@post.example", "Facturen van Schilderwerken Lindeboom zijn dubbel betaald."),
)
SECRETS = (
    *(p for name, address, _ in REPORTERS for p in (name, address, name.split()[-1])),
    *("Grondverzet Oost", "Zeemanhof", "Schilderwerken Lindeboom", "dubbel betaald", "r0@x.example"),
)


class Killed(BaseException):
    """What a kill does to the run: nothing after this point happens (no handler catches a BaseException)."""


@pytest.fixture(autouse=True)
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intake runs with no secret at all: no password, no passphrase, no keyring."""
    for name in ("INTEGRITY_REPORTS_PASSWORD", "INTEGRITY_IDENTITY_PASSWORD", "INTEGRITY_KEY_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli)


def deliver_reports(root: Path, spam: int = 0) -> None:
    for i, (name, address, words) in enumerate(REPORTERS):
        deliver(root, report_mail(f"Melding {i}", words, sender=f"{name} <{address}>", message_id=f"<r{i}@x.example>"))
    for i in range(spam):
        raw = report_mail(f"Korting {i}%", "Afmelden? Klik hier.", sender=f"<nieuws{i}@winkel.example>",
                          message_id=f"<spam{i}@winkel.example>", Precedence="bulk")  # fmt: skip
        deliver(root, raw)


def intake(run_cli, root: Path) -> Any:
    return run_cli("--config", str(root / "config.toml"), "--as-of", AS_OF, "reports", "intake")


def register_writes(root: Path) -> int:
    """meldingen.xlsx writes as the register gateway records them in the audit trail."""
    trail = root / ".integrity" / "audit.jsonl"
    lines = [json.loads(line) for line in trail.read_text(encoding="utf-8").splitlines() if line.strip()]
    return sum(1 for e in lines if e.get("action") == "register.write" and e.get("target") == "meldingen.xlsx")


def backups(root: Path) -> list[Path]:
    return sorted((root / ".integrity" / "backups").glob("meldingen.*.xlsx"))


def rows(root: Path) -> dict[str, dict[str, Any]]:
    ws = workspace(root, TODAY)
    try:
        return case_register(ws).read()
    finally:
        ws.close()


def held(root: Path) -> list[tuple[str, str]]:
    ws = workspace(root, TODAY)
    try:
        return ws.state.items(HELD_PREFIX)
    finally:
        ws.close()


def readable_text(root: Path) -> dict[Path, str]:
    """Every file but the inbound mail (reports mailbox) and the sealed archive, as text; state.sqlite checkpointed."""
    connection = sqlite3.connect(root / ".integrity" / "state.sqlite")
    connection.execute("PRAGMA wal_checkpoint(FULL)")
    connection.close()
    private = (root / "mail" / "meldingen", root / ".integrity" / "meldingen")
    texts = {}
    for path in root.rglob("*"):
        if not path.is_file() or any(path.is_relative_to(folder) for folder in private):
            continue
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path)
            texts[path] = " ".join(str(c.value) for s in book for r in s.iter_rows() for c in r if c.value)
        else:
            texts[path] = path.read_bytes().decode("utf-8", errors="replace")
    for path in (root / ".integrity" / "meldingen").rglob("*"):
        if path.is_file():
            assert path.read_bytes().startswith(b"age-encryption.org/v1"), path
    return texts


def assert_nothing_leaked(root: Path) -> None:
    texts = readable_text(root)
    assert any(p.name == "state.sqlite" for p in texts) and any(p.name == "audit.jsonl" for p in texts)
    for path, text in texts.items():
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), (secret, path)


def test_intake_of_many_messages_writes_the_register_once(root: Path, run_cli) -> None:
    """Three reports and five spam messages: one audited write of meldingen.xlsx, one backup, every row there."""
    deliver_reports(root, spam=5)
    result = intake(run_cli, root)
    assert result.exit_code == 0, result.output
    assert register_writes(root) == 1
    assert len(backups(root)) == 1
    found = rows(root)
    assert sorted(found) == [f"M-2026-{n:04d}" for n in range(1, 9)]  # in doubt a case: the spam too
    assert all(r["Ontvangst bevestigd op"] == TODAY for r in found.values())  # recorded in that same write
    assert held(root) == [] and waiting(root) == []
    deliver(root, report_mail("Nog iets", "Een vierde melding.", message_id="<r9@x.example>"))
    assert intake(run_cli, root).exit_code == 0
    assert register_writes(root) == 2 and "M-2026-0009" in rows(root)


def test_register_audit_logs_and_state_hold_no_reporter_or_words(root: Path, run_cli) -> None:
    """After intake of several reports the register, audit trail, logs and state carry no reporter and no words."""
    deliver_reports(root, spam=2)
    assert intake(run_cli, root).exit_code == 0
    assert len(rows(root)) == 5
    assert_nothing_leaked(root)


def _fail_on_call(number: int, real: Callable[..., Any]) -> Callable[..., Any]:
    calls = []

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == number:
            raise Killed
        return real(*args, **kwargs)

    return failing


def _inject(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """A fault in the real path: sealing the 2nd message's 3rd file, the gateway saving the cells, marking the pass."""
    import toolkit.registers.writer as writer
    import toolkit.reports.archive as archive
    from toolkit.state import StateStore

    if where == "sealing":
        monkeypatch.setattr(archive, "write_private", _fail_on_call(8, archive.write_private))
    elif where == "register write":
        monkeypatch.setattr(writer, "save_cells", _fail_on_call(1, writer.save_cells))
    else:
        monkeypatch.setattr(StateStore, "mark_processed_many", _fail_on_call(1, StateStore.mark_processed_many))


@pytest.mark.parametrize("where", ["sealing", "register write", "marking"])
def test_a_run_killed_between_its_steps_loses_and_doubles_nothing(
    root: Path, run_cli, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Killed while sealing, in the one register write, or after it before the messages are marked: every message
    stays in the mailbox, nothing is leaked; the next run gives each message one case, one row (the pseudonym its
    sealed identity carries), one sealed copy and one acknowledgement, in one register write."""
    deliver_reports(root)
    _inject(monkeypatch, where)
    with pytest.raises(Killed):
        intake(run_cli, root)
    monkeypatch.undo()
    assert len(waiting(root)) == 3  # nothing marked, nothing moved
    if where != "marking":
        assert rows(root) == {}  # the register was not written ...
        assert len(held(root)) == (2 if where == "sealing" else 3)  # ... its rows wait in the state
    assert_nothing_leaked(root)
    writes_before = register_writes(root)

    result = intake(run_cli, root)
    assert result.exit_code == 0, result.output
    assert register_writes(root) - writes_before == (0 if where == "marking" else 1)
    found = rows(root)
    assert sorted(found) == ["M-2026-0001", "M-2026-0002", "M-2026-0003"]
    assert all(r["Ontvangst bevestigd op"] == TODAY for r in found.values())
    assert waiting(root) == [] and held(root) == []
    stubs = [m for m in outbox(root) if m["X-Integrity-No-Copy"]]
    assert len(stubs) == 3  # one acknowledgement per reporter, never two
    ws = workspace(root, TODAY)
    try:
        officer = load_private_key(key_file(OFFICER), PASSPHRASE)
        archive = case_archive(ws)
        senders = set()
        for number, row in found.items():
            identity = json.loads(archive.open_file(number, "01-identiteit.json.age", officer))
            assert identity["Melder"] == row["Melder"]  # the pseudonym in the register is the sealed one
            assert ws.state.get(f"reports.messages.{number}") == "1"  # sealed once
            senders.add(identity["E-mail"])
    finally:
        ws.close()
    assert senders == {address for _, address, _ in REPORTERS}
    assert_nothing_leaked(root)


def test_held_row_of_a_written_case_never_overwrites_the_register(root: Path, run_cli) -> None:
    """A kill between the write and dropping the held rows: the next run keeps what the officer typed since."""
    from tests.reports_helpers import staff_types

    deliver_reports(root)
    assert intake(run_cli, root).exit_code == 0
    staff_types(root, "M-2026-0001", {"Onderwerp": "Contante betalingen"})
    ws = workspace(root, TODAY)
    ws.state.set(HELD_PREFIX + "M-2026-0001", json.dumps({"Onderwerp": "Nieuwe melding via e-mail"}))
    ws.close()
    deliver(root, report_mail("Nog iets", "Een vierde melding.", message_id="<r9@x.example>"))
    assert intake(run_cli, root).exit_code == 0
    found = rows(root)
    assert found["M-2026-0001"]["Onderwerp"] == "Contante betalingen" and "M-2026-0004" in found
    assert held(root) == []


def test_held_rows_are_written_when_the_mailbox_is_empty(root: Path, run_cli, monkeypatch) -> None:
    """Rows held by a killed run whose messages were taken out of the mailbox by hand are written by the next run."""
    import toolkit.registers.writer as writer

    deliver_reports(root)
    monkeypatch.setattr(writer, "save_cells", _fail_on_call(1, writer.save_cells))
    with pytest.raises(Killed):
        intake(run_cli, root)
    monkeypatch.undo()
    for path in waiting(root):
        path.unlink()  # someone removed them
    assert intake(run_cli, root).exit_code == 0
    assert sorted(rows(root)) == ["M-2026-0001", "M-2026-0002", "M-2026-0003"] and held(root) == []
