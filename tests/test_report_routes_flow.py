"""The routing decision carried through the real nightly run: route addresses, the intake officer concerned, the RvC."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.reports_helpers import (
    PASSPHRASE,
    deliver,
    key_file,
    make_workspace,
    outbox,
    report_mail,
    staff_types,
    workspace,
)
from toolkit.reports.cases import case_register, sealed_holders

INTAKE = "integriteit@woonpartners.example"
ADVISER = "vertrouwenspersoon@woonpartners.example"
DIRECTOR = "directeur@woonpartners.example"
CHAIR = "voorzitter.rvc@woonpartners.example"
PETRA = "petra@woonpartners.example"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test keys' passphrase, as a script would give it."""
    monkeypatch.setenv("INTEGRITY_KEY_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    return make_workspace(tmp_path / "ws", run_cli)


def nightly(run_cli, root: Path, as_of: str) -> None:
    result = run_cli("--config", str(root / "config.toml"), "--as-of", as_of, "nightly")
    assert result.exit_code == 0, result.output + result.stderr


def fill(root: Path, case: str, **cells: str) -> None:
    staff_types(root, case, {k.replace("_", " "): v for k, v in cells.items()})


def staff_mail_to(root: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every mail to someone in the organisation (not the yearly interests question, [BV-…],
    nor the periodic agenda reminders: they go to everyone)."""
    return [(str(m["To"]), str(m["Subject"])) for m in outbox(root) if "woonpartners.example" in str(m["To"])
            and "[BV-" not in str(m["Subject"])
            and not str(m["Subject"]).startswith(("Integriteit op de agenda", "Dilemma's bespreken"))]  # fmt: skip


def test_report_to_the_confidential_advisers_own_address_reaches_only_the_adviser(root: Path, run_cli) -> None:
    """Sent to [reports.addresses] vertrouwenspersoon: recorded as such; only the adviser is told, before and after routing."""
    raw = report_mail("Melding", "Tekst.").replace(b"To: meldpunt@woonpartners.example", f"To: {ADVISER}".encode())
    deliver(root, raw)
    nightly(run_cli, root, "2026-11-26")
    ws = workspace(root, date(2026, 11, 26))
    assert case_register(ws).read()["M-2026-0001"]["Meldingsadres"] == "vertrouwenspersoon"
    sealed = sealed_holders(ws, "M-2026-0001")
    # the adviser, and the RvC chair as the second key holder (told nothing); never the intake officer
    assert sealed is not None and sealed.identity == sealed.content == tuple(sorted((ADVISER, CHAIR)))
    ws.close()
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="medewerker", Betrokkene="karel@woonpartners.example")
    nightly(run_cli, root, "2026-11-27")
    told = {to for to, _ in staff_mail_to(root)}
    assert told == {ADVISER}
    show = ("reports", "show", "M-2026-0001", "--key", str(key_file(INTAKE)))
    refused = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-27", *show)
    assert refused.exit_code == 7 and "geen toegang" in refused.output + refused.stderr


def test_intake_officer_concerned_receives_nothing_further(root: Path, run_cli) -> None:
    """Recorded as about the intake officer: the reporter's manager receives, the director is informed; later news,
    reminders and escalations never reach the intake officer."""
    deliver(root, report_mail("Melding", "Tekst."))
    nightly(run_cli, root, "2026-11-26")
    before = len([to for to, _ in staff_mail_to(root) if to == INTAKE])  # the intake notice, before it was recorded
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="intake-functionaris", Leidinggevende_melder=PETRA)
    nightly(run_cli, root, "2026-11-27")
    deliver(root, report_mail("RE: [M-2026-0001]", "Nog iets.", message_id="<melding-2@thuis.example>"))
    for day in ("2026-11-28", "2027-02-13", "2027-02-24", "2027-02-28"):
        nightly(run_cli, root, day)
    mails = staff_mail_to(root)
    assert len([to for to, _ in mails if to == INTAKE]) == before == 1
    assert any(to == PETRA and "U behandelt" in subject for to, subject in mails)
    assert any(to == PETRA and "Nieuwe informatie" in subject for to, subject in mails)
    assert any(to == DIRECTOR and "Ter informatie" in subject for to, subject in mails)


def test_director_hears_nothing_of_a_report_about_the_rvc_even_when_late(root: Path, run_cli) -> None:
    """About an RvC member: no 'Ter informatie' and no escalation to the director or the chair, even past 3 months."""
    deliver(root, report_mail("Melding", "Tekst."))
    nightly(run_cli, root, "2026-11-26")
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="RvC-lid", Betrokkene="rita@woonpartners.example")
    for day in ("2026-11-27", "2027-02-13", "2027-02-24", "2027-02-28", "2027-03-02"):
        nightly(run_cli, root, day)
    told = {to for to, _ in staff_mail_to(root)}
    assert DIRECTOR not in told and CHAIR not in told and "rita@woonpartners.example" not in told
    assert any(to == INTAKE and "Termijn verstreken" in subject for to, subject in staff_mail_to(root))


def test_reseal_drops_the_intake_officer_once_recorded_as_concerned(root: Path, run_cli) -> None:
    """Sealed at intake to the general address's holders; recorded as about the intake officer, `reports reseal`
    (the adviser's key) seals everything again without them, to the routing decision's key holders."""
    from tests.reports_helpers import give_keys

    give_keys(root, PETRA, DIRECTOR)
    deliver(root, report_mail("Melding", "Tekst over de intake-functionaris."))
    nightly(run_cli, root, "2026-11-26")
    ws = workspace(root, date(2026, 11, 26))
    first = sealed_holders(ws, "M-2026-0001")
    assert first is not None and first.identity == first.content == tuple(sorted((INTAKE, ADVISER)))
    ws.close()
    fill(root, "M-2026-0001", Melder_is="medewerker", Betreft="intake-functionaris", Leidinggevende_melder=PETRA)
    nightly(run_cli, root, "2026-11-27")
    config = ("--config", str(root / "config.toml"), "--as-of", "2026-11-27")
    resealed = run_cli(*config, "reports", "reseal", "--key", str(key_file(ADVISER)))
    assert resealed.exit_code == 0, resealed.output + resealed.stderr
    ws = workspace(root, date(2026, 11, 27))
    holders = sealed_holders(ws, "M-2026-0001")
    ws.close()
    assert holders is not None and INTAKE not in holders.identity + holders.content
    assert holders.identity == (ADVISER,) and {PETRA, DIRECTOR} <= set(holders.content)
    refused = run_cli(*config, "reports", "show", "M-2026-0001", "--key", str(key_file(INTAKE)))
    assert refused.exit_code == 7
    handler = run_cli(*config, "reports", "show", "M-2026-0001", "--key", str(key_file(PETRA)))
    assert handler.exit_code == 0 and "intake-functionaris" in handler.output
