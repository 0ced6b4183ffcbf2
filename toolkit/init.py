"""`integrity init`: a new workspace with config, registers, templates, mail folders and state."""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from toolkit.errors import InputError, RefusedError
from toolkit.mail.folder import ensure_maildir

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_ROOT = PACKAGE_DIR.parent  # the repository, when running from a checkout (or an editable install)
PACKAGED_DATA = PACKAGE_DIR / "_data"  # what a built wheel carries: templates/ and config.toml (see pyproject.toml)
WORKSPACE_MARKERS = ("config.toml", "registers", ".integrity")
SEND_FROM_PLACEHOLDER = '# send_from = "2026-01-01"'
SEND_FROM_DAYS_BACK = 30  # a new workspace welcomes staff who joined in the last month, not everyone ever hired


@dataclass
class InitResult:
    root: Path
    created: list[str] = field(default_factory=list)
    demo: bool = False


def default_file(relative: str) -> Path:
    """A file shipped with the toolkit (config.toml, templates/): inside an installed wheel, else in the checkout."""
    for base in (PACKAGED_DATA, CHECKOUT_ROOT):
        path = base / relative
        if path.exists():
            return path
    raise InputError(
        f"standaardbestand '{relative}' ontbreekt in de installatie (gezocht in {PACKAGED_DATA} en {CHECKOUT_ROOT}).",
        hint="installeer de toolkit opnieuw ('pipx install .' of 'pip install integrity-toolkit'), of werk vanuit de broncode met 'make install'.",
    )


def create_workspace(root: Path, *, demo: bool = False, today: date | None = None) -> InitResult:
    """Create everything a workspace needs; refuse (nothing changed) if one is already there."""
    existing = [name for name in WORKSPACE_MARKERS if (root / name).exists()]
    if existing:
        raise RefusedError(
            f"{root} bevat al een werkmap ({', '.join(existing)}); er is niets veranderd.",
            hint="kies een nieuwe, lege map, of gebruik de bestaande werkmap met --config.",
        )
    root.mkdir(parents=True, exist_ok=True)
    result = InitResult(root, demo=demo)
    shutil.copyfile(default_file("config.toml"), root / "config.toml")
    _set_send_from(root / "config.toml", (today or date.today()) - timedelta(days=SEND_FROM_DAYS_BACK))
    shutil.copytree(default_file("templates"), root / "templates")
    result.created += ["config.toml", "templates/"]
    for maildir in ("mail/inbox", "mail/meldingen"):
        ensure_maildir(root / maildir)
    (root / "mail" / "outbox").mkdir(parents=True, exist_ok=True)
    result.created += ["mail/outbox/", "mail/inbox/", "mail/meldingen/"]
    _create_state(root / ".integrity")
    result.created.append(".integrity/")
    create_registers(root / "registers", demo=demo, today=today or date.today())
    result.created.append("registers/")
    if demo:
        _demo_mail(root)
        from toolkit.demo import demo_keys

        demo_keys(root)
        result.created += ["keys/", "demo-sleutels/"]
    return result


def _set_send_from(config_path: Path, day: date) -> None:
    """Turn the commented [onboarding] send_from example into a real cut-off date (left alone if it was edited away)."""
    text = config_path.read_text(encoding="utf-8")
    if SEND_FROM_PLACEHOLDER in text:
        config_path.write_text(
            text.replace(SEND_FROM_PLACEHOLDER, f'send_from = "{day.isoformat()}"  ', 1), encoding="utf-8"
        )


def _create_state(state_dir: Path) -> None:
    from toolkit.state import StateStore

    for sub in ("backups", "logs"):
        (state_dir / sub).mkdir(parents=True, exist_ok=True)
    StateStore(state_dir / "state.sqlite").close()
    (state_dir / "audit.jsonl").touch()


def create_registers(folder: Path, *, demo: bool = False, today: date | None = None) -> None:
    """Write the registers (empty, or with demo rows) into `folder`; also what `make registers` runs for the repo."""
    today = today or date.today()
    from toolkit import demo as demo_data
    from toolkit import demo_dilemmas
    from toolkit.registers.create import create_empty_workbook, create_register
    from toolkit.registers.picker import picker_names
    from toolkit.registers.schema import (
        DILEMMA_MEETINGS,
        DILEMMAS,
        GIFTS,
        HOUSING,
        INTERESTS,
        RAFFLE,
        SIDEJOBS,
        STAFF,
        SUPPLIERS,
    )

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    staff = demo_data.staff_rows(today, rng) if demo else []
    rows = {
        STAFF: staff,
        SUPPLIERS: demo_data.supplier_rows(random.Random(7)) if demo else [],
        GIFTS: demo_data.gift_rows(today, rng, staff) if demo else [],
        SIDEJOBS: demo_data.sidejob_rows(today, rng, staff) if demo else [],
        INTERESTS: demo_data.interest_rows(today, staff) if demo else [],
        DILEMMAS: demo_dilemmas.dilemma_rows(today, staff) if demo else [],
        HOUSING: demo_dilemmas.housing_rows(today, staff) if demo else [],
    }
    also = {DILEMMAS: [(DILEMMA_MEETINGS, demo_dilemmas.discussed_rows(today, staff) if demo else [])]}
    for register, register_rows in rows.items():
        for number, row in enumerate(register_rows, start=1):
            row.setdefault("Nr", number)
        names = picker_names(staff, today)  # the `Medewerker` picker's list, as the nightly job keeps it
        create_register(
            folder / register.filename, register, register_rows, staff_names=names, also=also.get(register, ())
        )
    create_empty_workbook(folder / RAFFLE.filename, RAFFLE.title)


def _demo_mail(root: Path) -> None:
    import mailbox

    from toolkit import demo as demo_data

    suppliers = demo_data.supplier_rows(random.Random(7))
    inbox = mailbox.Maildir(root / "mail" / "inbox")
    for raw in demo_data.inbox_mails(suppliers):
        inbox.add(raw)
    reports = mailbox.Maildir(root / "mail" / "meldingen")
    for raw in demo_data.report_mails():
        reports.add(raw)
