"""The case register (`meldingen.xlsx`) as the reports see it: cases by `Zaaknummer`, read and written through the
one register gateway (`toolkit/registers/`).

It holds no reporter identity and no report text (those are sealed in the case archive), so staff open it in Excel
like any other register. Reading is the gateway's reader; writing is a plan (`toolkit.plan`) whose cells name
their row by the key column (`Register.key_column`), applied by `apply_plan` through `registers.pending.save`: only the given cells of the sheet XML change, a new case is a row
appended below the last, every other byte stays. A workbook open in Excel queues the change in the gateway's
pending queue (applied by the next run; `reports list` shows it). The first case creates the workbook the way
every register is created (`registers.create`); once the register was written, a missing one is refused, never
made anew empty.

Intake writes the register once per run, not once per case: a new case's first row is *held* in the state store
(`hold`: pseudonym, date, channel, route; never an identity or words) before anything of the case is sealed, and the
run's one write (`write_held`) puts every held row that is not in the register yet in the same plan as the run's
other cells, then drops the held rows in one transaction. A run killed before that write leaves them held: the next
run finds them (`held`) and writes them, with the pseudonym the sealed identity already carries.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError
from toolkit.reports.schema import CASE, CASES

if TYPE_CHECKING:
    from toolkit.plan import Plan
    from toolkit.registers.pending import SaveOutcome
    from toolkit.workspace import Workspace

Rows = dict[str, dict[str, Any]]
WRITTEN_KEY = "reports.register.written"  # the register exists from now on: a missing one is refused
HELD_PREFIX = "reports.register.held."  # + case number: a new case's first row, until the run's one write
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a password-encrypted workbook of the old design


@dataclass(frozen=True)
class CaseRegister:
    """meldingen.xlsx in this workspace."""

    ws: Workspace

    @property
    def path(self) -> Path:
        return self.ws.config.registers_dir / CASES.filename

    @property
    def known(self) -> bool:
        """The register was written before: it must exist now."""
        return self.ws.has_state and bool(self.ws.state.get(WRITTEN_KEY))

    def read(self) -> Rows:
        """Case number -> header -> value (parsed by column kind); an absent file is an empty register."""
        from toolkit.registers.reader import read_register

        if not self.path.exists():
            self._refuse_missing()
            return {}
        self._refuse_old_design()
        table = read_register(self.path, CASES)
        rows: Rows = {}
        for row in table.rows:
            number = row.get(CASE)
            if number:
                rows.setdefault(str(number).strip(), dict(row.values))
        return rows

    def check(self) -> None:
        """ConfigError when the register is missing while cases exist, or is of the old design (changes nothing)."""
        self.read()

    def pending(self) -> list[tuple[str, tuple[str, ...]]]:
        """Changes waiting for Excel to close, oldest first: (case, columns)."""
        from toolkit.registers.pending import waiting_updates

        waiting: dict[str, list[str]] = {}
        for update in waiting_updates(self.ws, CASES):
            columns = waiting.setdefault(update.key or "?", [])
            if update.column != CASE and update.column not in columns:
                columns.append(update.column)
        return [(case, tuple(columns)) for case, columns in waiting.items()]

    @staticmethod
    def plan(changes: Mapping[str, Mapping[str, Any]]) -> Plan:
        """The cells (case -> header -> value) as a plan for `toolkit.plan.apply_plan` (pure: nothing is read)."""
        from toolkit.plan import CellChange, Plan

        cells = (CellChange(CASES.key, h, v, key=case) for case, row in changes.items() for h, v in row.items())
        return Plan(cells=tuple(cells))

    def write(self, changes: Mapping[str, Mapping[str, Any]]) -> SaveOutcome:
        """Apply the plan of these cells: existing rows get only the toolkit's own columns, a new case may be filled
        in whole. A locked workbook queues them in the gateway's queue (`outcome.waiting`)."""
        from toolkit.plan import apply_plan
        from toolkit.registers.pending import SaveOutcome

        if not self.path.exists():
            self._refuse_missing()
            if changes:
                self._create()
        else:
            self._refuse_old_design()
        applied = apply_plan(self.ws, self.plan(changes))
        outcome = applied.save_of(CASES.filename) or SaveOutcome(CASES.filename, False)
        if outcome.written:
            self.ws.state.set(WRITTEN_KEY, "1")
        return outcome

    def hold(self, number: str, row: Mapping[str, Any]) -> None:
        """Keep a new case's first row in the state store until the run's one write (`write_held`) puts it in."""
        self.ws.state.set(HELD_PREFIX + number, json.dumps(_encode(row), sort_keys=True))

    def held(self) -> Rows:
        """New cases whose first row is not written yet (this run's, or those of a run killed before its write)."""
        return {key[len(HELD_PREFIX) :]: _decode(value) for key, value in self.ws.state.items(HELD_PREFIX)}

    def write_held(
        self, changes: Mapping[str, Mapping[str, Any]], *, in_register: Collection[str] | None = None
    ) -> SaveOutcome | None:
        """The run's one write: every held row not in the register yet, with these cells, in one plan; then the
        held rows are dropped (written, or queued in the gateway's queue while Excel has the workbook open).

        `in_register`: the case numbers the register held when the run read it (None: read it now). A held row of
        a case already there (a run killed between the write and the drop) is dropped unwritten: the row in the
        register is the intake officer's by now. None when there was nothing to write.
        """
        held = self.held()
        known = set(self.read()) if in_register is None and held else set(in_register or ())
        rows: dict[str, dict[str, Any]] = {n: dict(r) for n, r in held.items() if n not in known}
        for number, cells in changes.items():
            rows.setdefault(number, {}).update(cells)
        outcome = self.write(rows) if rows else None
        if held:
            with self.ws.state.transaction() as db:
                db.executemany("DELETE FROM kv WHERE key = ?", [(HELD_PREFIX + n,) for n in held])
        return outcome

    def _create(self) -> None:
        """The first case: an empty register made like every other one, private to its owner."""
        from toolkit.registers.create import create_register

        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = self.path.with_name(f".{self.path.stem}.new-{os.getpid()}{self.path.suffix}")
        try:
            create_register(temp, CASES)
            os.chmod(temp, stat.S_IRUSR | stat.S_IWUSR)
            os.replace(temp, self.path)
        finally:
            temp.unlink(missing_ok=True)

    def _refuse_missing(self) -> None:
        if self.known:
            raise ConfigError(
                f"{self.path} ontbreekt, maar de toolkit kent al meldingen; het wordt niet leeg opnieuw aangemaakt.",
                hint=f"zet het terug uit {self.ws.backups_dir} (het nieuwste {self.path.stem}.*.xlsx); "
                "er is niets gewijzigd.",
            )

    def _refuse_old_design(self) -> None:
        with open(self.path, "rb") as handle:
            if handle.read(4) == OLE_MAGIC:
                raise ConfigError(
                    f"{self.path.name} is nog met een wachtwoord versleuteld (oude opzet).",
                    hint="zet de werkmap om met 'integrity reports migrate --key BESTAND'; er is niets gewijzigd.",
                )


def _encode(row: Mapping[str, Any]) -> dict[str, Any]:
    """A held row as JSON: dates as {"date": ISO}, everything else (text, numbers, None) as it is."""
    return {h: {"date": v.isoformat()} if isinstance(v, date) else v for h, v in row.items()}


def _decode(text: str) -> dict[str, Any]:
    data = json.loads(text)
    return {h: date.fromisoformat(v["date"]) if isinstance(v, dict) else v for h, v in data.items()}


def case_register(ws: Workspace) -> CaseRegister:
    return CaseRegister(ws)
