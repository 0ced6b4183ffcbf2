"""Nightly steps of the register layer: apply waiting changes, prune old backups."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.nightly import StepResult
from toolkit.registers.pending import apply_pending
from toolkit.values import counted

if TYPE_CHECKING:
    from pathlib import Path

    from toolkit.workspace import Workspace


def apply_pending_step(ws: Workspace) -> StepResult:
    outcomes = apply_pending(ws)
    if not outcomes:
        return StepResult("wachtende wijzigingen", True, "geen wachtende wijzigingen")
    waiting = [f"{o.register} wacht nog: {o.waiting}" for o in outcomes if o.waiting]
    done = [f"{o.register}: {counted(o.cells_changed, 'cel', 'cellen')} bijgewerkt" for o in outcomes if not o.waiting]
    return StepResult(
        "wachtende wijzigingen",
        True,
        f"{counted(len(done), 'register', 'registers')} bijgewerkt, {counted(len(waiting), 'wacht', 'wachten')} nog",
        tuple(done + waiting),
    )


def prune_backups_step(ws: Workspace) -> StepResult:
    keep = ws.config.registers.backups_keep
    removed = 0
    if ws.backups_dir.exists():
        groups: dict[str, list[Path]] = {}
        for path in ws.backups_dir.glob("*.xlsx"):
            groups.setdefault(path.name.split(".", 1)[0], []).append(path)
        for paths in groups.values():
            for old in sorted(paths, key=lambda p: p.name)[:-keep]:
                old.unlink()
                removed += 1
    return StepResult(
        "reservekopieën opruimen",
        True,
        f"{counted(removed, 'oude reservekopie', 'oude reservekopieën')} verwijderd, de laatste {keep} per register bewaard",
    )


TYPED_SEEN = "registers.typed.{key}"  # the register's fingerprint when its typed cells were last looked at


def typed_values_step(ws: Workspace) -> StepResult:
    """Dates and amounts typed as text become real Excel values (schema-driven: every register's date and amount
    columns); ambiguous ones are named. A register whose bytes did not change since the last look is not read."""
    from toolkit.errors import ToolkitError
    from toolkit.plan import Plan, apply_plan
    from toolkit.registers.reader import file_fingerprint, read_register
    from toolkit.registers.schema import REGISTERS
    from toolkit.registers.typed import typed_changes, typed_columns

    converted, details, waiting = 0, [], []
    for register in REGISTERS.values():
        columns = typed_columns(register)
        path = ws.register_path(register)
        if not columns or not path.is_file():
            continue
        seen = TYPED_SEEN.format(key=register.key)
        if ws.state.get(seen) == file_fingerprint(path):
            continue
        try:
            table = read_register(path, register)  # whole: the judging steps after this one get the same read
        except ToolkitError as exc:
            details.append(f"{register.filename}: niet gelezen: {exc.message}")
            continue
        changes, findings = typed_changes(table)
        details += [f"{finding}" for finding in findings]
        outcome = None
        if changes:
            plan = Plan(cells=changes, fingerprints={register.key: table.fingerprint})
            applied = apply_plan(ws, plan, refuse_as_note=True)
            details += list(applied.refused)
            outcome = applied.save_of(register.filename)
            if outcome is not None and outcome.waiting:
                waiting.append(f"{register.filename}: {outcome.waiting}")
                continue
            if outcome is not None and outcome.typed:
                converted += outcome.typed
                cells = counted(outcome.typed, "cel", "cellen")
                details.append(f"{register.filename}: {cells} omgezet in een echte datum of bedrag")
            if applied.refused:
                continue
        ws.state.set(seen, file_fingerprint(path))
    summary = f"{counted(converted, 'cel', 'cellen')} met een getypte datum of bedrag omgezet in een echte waarde"
    if waiting:
        summary += f"; {counted(len(waiting), 'register', 'registers')} open, volgende run"
    return StepResult("getypte datums en bedragen", True, summary, tuple(details + waiting))


PICKER_SEEN = "registers.picker.{key}"  # the wanted list and the workbook's list (list_key) when they matched


def picker_step(ws: Workspace) -> StepResult:
    """The `Medewerker` picker of every register that has one follows medewerkers.xlsx; quiet (no write, and no
    read of a register whose bytes and wanted list are as they were) when nothing changed."""
    import hashlib

    from toolkit.errors import ToolkitError, WorkbookLocked
    from toolkit.registers.picker import has_picker, list_key, refresh, wanted_names
    from toolkit.registers.schema import REGISTERS

    name = "keuzelijst medewerkers"
    registers = [r for r in REGISTERS.values() if has_picker(r) and ws.register_path(r).is_file()]
    if not registers:
        return StepResult(name, True, "geen register met een keuzelijst")
    try:
        wanted = wanted_names(ws)
    except ToolkitError as exc:
        return StepResult(name, False, f"medewerkers.xlsx niet gelezen: {exc.message}", (exc.hint,) if exc.hint else ())
    digest = hashlib.sha256("\n".join(wanted).encode()).hexdigest()
    done, details, ok = [], [], True
    for register in registers:
        path = ws.register_path(register)
        seen = PICKER_SEEN.format(key=register.key)
        if ws.state.get(seen) == f"{digest}:{list_key(path)}":  # the list was right, and it is unchanged
            continue
        try:
            change = refresh(
                path, register, wanted, backups_dir=ws.backups_dir, keep_backups=ws.config.registers.backups_keep
            )
        except WorkbookLocked as exc:
            details.append(f"{register.filename} wacht: {exc.message}")
            continue
        except ToolkitError as exc:
            ok = False
            details.append(f"{register.filename}: {exc.message}")
            continue
        if change.missing:
            details.append(f"{register.filename} heeft geen blad Lijsten: geen keuzelijst om bij te werken")
        if change.written:
            done.append(register.filename)
            details.append(f"{register.filename}: keuzelijst bijgewerkt: {change.describe()}")
            ws.audit.record(
                "register.picker",
                actor=ws.actor,
                target=register.filename,
                names=len(wanted),
                added=len(change.added),
                removed=len(change.removed),
            )
        ws.state.set(seen, f"{digest}:{list_key(path)}")
    summary = f"bijgewerkt in {', '.join(done)}" if done else "ongewijzigd"
    return StepResult(name, ok, summary, tuple(details))
