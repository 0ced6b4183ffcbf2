"""Supplier conflicts remembered between writing runs: taken only while both registers and the name rules are unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.test_sidejobs_service import make_registers, review_json, side_job
from toolkit.config import load_config
from toolkit.registers.create import create_register
from toolkit.registers.schema import SIDEJOBS, SUPPLIERS
from toolkit.sidejobs.conflicts import MEMO_KEY, conflict_suppliers
from toolkit.workspace import Workspace

SUPPLIERS_WRITTEN = ("Bouwbedrijf Jansen B.V.", "bouwbedrijf jansen bv", "Schildersbedrijf De Kwast")
JANSEN = side_job("Advises Jansen", Organisatie="Bouwbedrijf Jansen", **{"Risico belangenverstrengeling": "laag"})


def conflicts(data: dict) -> list[tuple[str, str]]:
    return [(c["line"]["employee"], c["supplier"]) for c in data["conflicts"]]


def workspace(root: Path) -> Workspace:
    return Workspace(load_config(root / "config.toml"), date(2026, 3, 1), actor="test")


def test_remembered_names_are_the_matched_first_spellings(bare_workspace: Path) -> None:
    """A writing run reads every supplier; the next one, nothing changed, gets just the first spelling it matched."""
    make_registers(bare_workspace, [JANSEN], suppliers=SUPPLIERS_WRITTEN)
    organisations = ["Bouwbedrijf Jansen", "Voetbalvereniging Oranje"]
    first = conflict_suppliers(workspace(bare_workspace), organisations, [], remember=True)
    assert first == SUPPLIERS_WRITTEN
    second = conflict_suppliers(workspace(bare_workspace), organisations, [], remember=True)
    assert second == ("Bouwbedrijf Jansen B.V.",)


def test_a_preview_remembers_nothing(bare_workspace: Path, run_cli) -> None:
    """Without --write the review reads the supplier register and leaves no state behind."""
    make_registers(bare_workspace, [JANSEN], suppliers=SUPPLIERS_WRITTEN)
    data = review_json(run_cli, bare_workspace, "2026-03-01")
    assert conflicts(data) == [("Advises Jansen", "Bouwbedrijf Jansen B.V.")]
    ws = workspace(bare_workspace)
    assert not ws.has_state or ws.state.get(MEMO_KEY) is None


def test_second_writing_run_judges_as_the_first(bare_workspace: Path, run_cli) -> None:
    """The run that takes the remembered names finds the same conflict, naming the same supplier."""
    make_registers(bare_workspace, [JANSEN, side_job("Plays football")], suppliers=SUPPLIERS_WRITTEN)
    first = review_json(run_cli, bare_workspace, "2026-03-01", "--write")
    second = review_json(run_cli, bare_workspace, "2026-03-02", "--write")
    assert conflicts(first) == conflicts(second) == [("Advises Jansen", "Bouwbedrijf Jansen B.V.")]


def test_supplier_added_later_is_found(bare_workspace: Path, run_cli) -> None:
    """A supplier added to leveranciers.xlsx after a writing run is a conflict in the next run."""
    make_registers(bare_workspace, [JANSEN, side_job("Paints")], suppliers=SUPPLIERS_WRITTEN[:1])
    assert len(review_json(run_cli, bare_workspace, "2026-03-01", "--write")["conflicts"]) == 1
    rows = [{"Leveranciersnummer": "L9", "Naam": "Voetbalvereniging Oranje B.V.", "Actief": "nee"}]
    create_register(bare_workspace / "registers" / SUPPLIERS.filename, SUPPLIERS, rows)
    data = review_json(run_cli, bare_workspace, "2026-03-02", "--write")
    assert conflicts(data) == [("Paints", "Voetbalvereniging Oranje B.V.")]


def test_organisation_typed_later_is_checked_against_every_supplier(bare_workspace: Path, run_cli) -> None:
    """A side function at a supplier typed in after a writing run is a conflict in the next run."""
    make_registers(bare_workspace, [JANSEN], suppliers=SUPPLIERS_WRITTEN)
    assert len(review_json(run_cli, bare_workspace, "2026-03-01", "--write")["conflicts"]) == 1
    kwast = side_job("Paints", Organisatie="schildersbedrijf de kwast", **{"Risico belangenverstrengeling": "laag"})
    create_register(bare_workspace / "registers" / SIDEJOBS.filename, SIDEJOBS, [JANSEN, kwast])
    data = review_json(run_cli, bare_workspace, "2026-03-02", "--write")
    assert conflicts(data) == [
        ("Advises Jansen", "Bouwbedrijf Jansen B.V."),
        ("Paints", "Schildersbedrijf De Kwast"),
    ]


def test_unreadable_remembered_value_reads_the_register(bare_workspace: Path) -> None:
    """A remembered value that is not a list of names is not trusted: the register is read and remembered again."""
    make_registers(bare_workspace, [JANSEN], suppliers=SUPPLIERS_WRITTEN)
    organisations = ["Bouwbedrijf Jansen"]
    conflict_suppliers(workspace(bare_workspace), organisations, [], remember=True)
    ws = workspace(bare_workspace)
    digest = str(ws.state.get(MEMO_KEY)).partition(" ")[0]
    ws.state.set(MEMO_KEY, f"{digest} {{niet te lezen")
    assert conflict_suppliers(ws, organisations, [], remember=True) == SUPPLIERS_WRITTEN
    assert conflict_suppliers(workspace(bare_workspace), organisations, [], remember=True) == SUPPLIERS_WRITTEN[:1]
