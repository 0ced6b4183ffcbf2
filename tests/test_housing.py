"""Woonruimte: the rules (procedure, no discount, no own involvement) and who hears of a finding, exactly once."""

from __future__ import annotations

import email
import email.policy
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from toolkit.housing.rules import Housing, verdict


def home(**changes: object) -> Housing:
    values: dict[str, object] = {"employee": "Anna de Vries", "through_procedure": True, "discount": Decimal(0),
                                 "own_involvement": False, "allocated_by": ""}  # fmt: skip
    values.update(changes)
    return Housing(**values)  # type: ignore[arg-type]


def test_by_the_book_is_ok() -> None:
    """Through the procedure, no discount, not involved: OK."""
    assert verdict(home()) == "OK"


def test_each_rule_has_its_code() -> None:
    """Outside the procedure W1; a cent of discount W2; own involvement or allocating it oneself W3."""
    assert verdict(home(through_procedure=False)).startswith("W1:")
    assert verdict(home(discount=Decimal("0.01"))) == "W2: korting van € 0,01"
    assert verdict(home(own_involvement=True)).startswith("W3:")
    assert verdict(home(allocated_by=" anna  de vries ")).startswith("W3:")
    assert verdict(home(allocated_by="Piet Jansen")) == "OK"


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    folder = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(folder), "--demo").exit_code == 0
    return folder


def add_row(root: Path, **values: object) -> None:
    from openpyxl import load_workbook

    path = root / "registers" / "woonruimte.xlsx"
    book = load_workbook(path)
    sheet = book["Woonruimte"]
    headers = [cell.value for cell in sheet[1]]
    sheet.append([values.get(str(h)) for h in headers])
    book.save(path)


def test_findings_go_to_the_director_once_and_about_the_director_to_the_rvc_chair(root: Path, run_cli) -> None:
    """Preview writes nothing; --send numbers the row, mails the director one digest and the RvC chair the director row."""
    from toolkit.config import load_config

    config = load_config(root / "config.toml")
    add_row(root, Medewerker="D. Irecteur", Rol="directeur-bestuurder", Betreft="medewerker zelf", Soort="koop",
            Woning="Hoofdstraat 1", Datum="1-11-2026", **{"Volgens de toewijzingsprocedure": "ja",
            "Korting (€)": "€ 1.000,00", "Zelf betrokken bij toewijzing": "nee"})  # fmt: skip
    path = root / "registers" / "woonruimte.xlsx"
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    args = ("--config", str(root / "config.toml"), "--as-of", "2026-11-27", "housing", "check")
    preview = run_cli(*args)
    assert preview.exit_code == 0 and "Zou versturen: 1 bericht." in preview.output  # the new row has no Nr yet
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before and not outbox(root)
    sent = run_cli(*args, "--send")
    assert sent.exit_code == 0, sent.output
    mails = outbox(root)
    assert sorted(str(m["To"]) for m in mails) == sorted([config.organisation.director, config.organisation.rvc_chair])
    chair = next(m for m in mails if str(m["To"]) == config.organisation.rvc_chair)
    assert "D. Irecteur" in str(chair["Subject"]) and "W2" in chair.get_body().get_content()  # type: ignore[union-attr]
    director = next(m for m in mails if str(m["To"]) == config.organisation.director)
    assert "D. Irecteur" not in director.get_body().get_content()  # type: ignore[union-attr]
    again = run_cli(*args, "--send")
    assert again.exit_code == 0 and len(outbox(root)) == 2


def test_an_empty_required_cell_is_not_judged_and_mails_nobody(root: Path, run_cli) -> None:
    """A row without 'Korting (€)' gets 'Niet te beoordelen: Korting (€) leeg' in Beoordeling, and no mail."""
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import HOUSING

    add_row(root, Medewerker="Nieuwe Collega", Rol="medewerker", Betreft="medewerker zelf", Soort="huur",
            Woning="Kerkpad 2", Datum="1-11-2026", **{"Volgens de toewijzingsprocedure": "ja",
            "Zelf betrokken bij toewijzing": "nee"})  # fmt: skip
    result = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-27", "housing", "check", "--send")
    assert result.exit_code == 0
    rows = read_register(root / "registers" / "woonruimte.xlsx", HOUSING).rows
    assert rows[-1].get("Beoordeling") == "Niet te beoordelen: Korting (€) leeg"
    assert not [m for m in outbox(root) if "Nieuwe Collega" in str(m["Subject"])]


def test_the_uitleg_sheet_lists_the_housing_codes(root: Path) -> None:
    """W1, W2 and W3 are in the legend of woonruimte.xlsx's Uitleg sheet."""
    from openpyxl import load_workbook

    sheet = load_workbook(root / "registers" / "woonruimte.xlsx")["Uitleg"]
    codes = {str(row[0].value) for row in sheet.iter_rows()}
    assert {"W1", "W2", "W3", "OK"} <= codes
