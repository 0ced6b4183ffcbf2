"""`integrity reports migrate`: convert a workspace of the password-based design once, nothing lost.

Before: `meldingen.xlsx` and `meldingen-identiteit.xlsx` Office-encrypted with INTEGRITY_REPORTS_PASSWORD and
INTEGRITY_IDENTITY_PASSWORD, the archive sealed with AES-GCM under scrypt(reports password, salt).
After: `meldingen.xlsx` an ordinary workbook (it holds no identity and no text), every archive file and each case's
identity sealed to the public keys of its holders (`holders.py`), the state knowing what each case holds.
The old files are not deleted: they move, still password-protected, to `.integrity/backups/voor-migratie/`.
Everything is read and decrypted first; only when all of it opened is anything written.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError, RefusedError

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

OLD_IDENTITY = "meldingen-identiteit.xlsx"
OLD_CASE_FILES = ("bericht.eml.enc", "tekst.txt.enc")


@dataclass(frozen=True)
class MigrationResult:
    written: bool
    cases: int
    files: int
    identities: int
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return True


def needs_migration(ws: Workspace) -> bool:
    """True while the workspace still holds the password-based register or archive."""
    root = ws.config.state_dir / "meldingen"
    register = ws.config.registers_dir / "meldingen.xlsx"
    encrypted = register.exists() and register.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    return encrypted or (root / "salt").exists() or (ws.config.registers_dir / OLD_IDENTITY).exists()


def migrate(ws: Workspace, *, write: bool = False) -> MigrationResult:
    """Convert once; without `write` only count what would be converted (nothing changes)."""
    from toolkit.config import secret

    if not needs_migration(ws):
        raise RefusedError(
            "deze werkmap gebruikt al sleutels; er is niets om te zetten.", hint="zie 'integrity check'."
        )
    reports_pw = secret("reports") or ""
    identity_pw = secret("identity") or ""
    plan = _read_everything(ws, reports_pw, identity_pw)
    files = sum(len(c["files"]) for c in plan["cases"].values())
    if not write:
        return MigrationResult(False, len(plan["cases"]), files, len(plan["identity"]))
    _write_everything(ws, plan)
    return MigrationResult(
        True,
        len(plan["cases"]),
        files,
        len(plan["identity"]),
        ("de oude, met wachtwoord versleutelde bestanden staan in .integrity/backups/voor-migratie/",),
    )


def _read_everything(ws: Workspace, reports_pw: str, identity_pw: str) -> dict[str, Any]:
    from toolkit.reports.crypto import decrypt_workbook, legacy_archive_key, legacy_unseal

    registers = ws.config.registers_dir
    root = ws.config.state_dir / "meldingen"
    plan: dict[str, Any] = {"register": None, "identity": {}, "cases": {}}
    register = registers / "meldingen.xlsx"
    if register.exists() and register.read_bytes()[:4] == b"\xd0\xcf\x11\xe0":
        plan["register"] = decrypt_workbook(register.read_bytes(), reports_pw, register, "INTEGRITY_REPORTS_PASSWORD")
    identity = registers / OLD_IDENTITY
    if identity.exists():
        plain = decrypt_workbook(identity.read_bytes(), identity_pw, identity, "INTEGRITY_IDENTITY_PASSWORD")
        plan["identity"] = _identity_rows(plain)
    if not root.is_dir():
        return plan
    folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("M-"))
    if folders:
        key = legacy_archive_key(reports_pw, root / "salt")
        for folder in folders:
            files = {
                p.name: legacy_unseal(p.read_bytes(), key, f"{folder.name}/{p.name}", p)
                for p in sorted(folder.glob("*.enc"))
            }
            plan["cases"][folder.name] = {"files": files}
    return plan


def _identity_rows(plain: bytes) -> dict[str, dict[str, Any]]:
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(plain), read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        headers = [str(h or "") for h in next(rows, ())]
        found = {}
        for values in rows:
            row = dict(zip(headers, values, strict=False))
            if row.get("Zaaknummer"):
                found[str(row["Zaaknummer"])] = row
        return found
    finally:
        book.close()


def _write_everything(ws: Workspace, plan: dict[str, Any]) -> None:
    from toolkit.keys import public_keys
    from toolkit.reports.cases import (
        ARCHIVED_KEY,
        ARCHIVED_ON_KEY,
        COUNT_KEY,
        case_from_row,
        record_holders,
        wanted_holders,
    )
    from toolkit.reports.crypto import private_dir, write_private
    from toolkit.reports.register import WRITTEN_KEY as REGISTER_WRITTEN

    keys = public_keys(ws)
    registers = ws.config.registers_dir
    keep = private_dir(ws.backups_dir / "voor-migratie")
    rows: dict[str, dict[str, Any]] = {}
    if plan["register"] is not None:
        rows = _register_rows(registers, plan["register"])
    archive = _new_archive(ws, keys)
    for number, data in plan["cases"].items():
        case = case_from_row(rows.get(number) or {"Zaaknummer": number})
        holders = wanted_holders(ws, case, rows.get(number) or {})
        for person in (holders.identity, holders.content):
            if not any(p in keys for p in person):
                raise ConfigError(
                    f"zaak {number}: niemand van {', '.join(person)} heeft een publieke sleutel; er is niets omgezet.",
                    hint="maak eerst sleutels met 'integrity keys new ADRES --out BESTAND'.",
                )
        count = _convert_case(archive, number, data["files"], plan["identity"].get(number), holders)
        ws.state.set(COUNT_KEY.format(case=number), str(count))
        for digest in _digests(data["files"]):
            ws.state.set(ARCHIVED_KEY.format(digest=digest[1]), f"{number}:{digest[0]}")
            ws.state.set(ARCHIVED_ON_KEY.format(digest=digest[1]), ws.today.isoformat())
        record_holders(ws, number, holders, keys)
    if plan["register"] is not None:
        old = registers / "meldingen.xlsx"
        shutil.copy2(old, keep / "meldingen.xlsx")
        write_private(old, plan["register"])
        ws.state.set(REGISTER_WRITTEN, "1")  # from now on a missing register is refused, never made anew
    _keep_old_files(ws, keep)
    ws.audit.record("reports.migrated", actor=ws.actor, target="meldingen", cases=len(plan["cases"]))


def _register_rows(folder: Path, plain: bytes) -> dict[str, dict[str, Any]]:
    """The decrypted old register's cases, read by the register gateway's reader from a private temp file."""
    import os
    import tempfile

    from toolkit.registers.reader import read_register
    from toolkit.reports.schema import CASE, CASES

    handle, name = tempfile.mkstemp(prefix=".meldingen-", suffix=".xlsx", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(plain)
        table = read_register(Path(name), CASES)
    finally:
        os.unlink(name)
    rows: dict[str, dict[str, Any]] = {}
    for row in table.rows:
        if row.get(CASE):
            rows.setdefault(str(row.get(CASE)).strip(), dict(row.values))
    return rows


def _keep_old_files(ws: Workspace, keep: Path) -> None:
    """Move the password-protected files out of the way (kept, not deleted)."""
    from toolkit.reports.crypto import private_dir

    root = ws.config.state_dir / "meldingen"
    old = ws.config.registers_dir / OLD_IDENTITY
    if old.exists():
        shutil.move(old, keep / old.name)
    for folder in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        for enc in sorted(folder.glob("*.enc")):
            target = private_dir(keep / folder.name) / enc.name
            shutil.move(enc, target)
    if (root / "salt").exists():
        shutil.move(root / "salt", keep / "salt")
    for stale in ws.backups_dir.glob("meldingen*.xlsx"):
        shutil.move(stale, keep / stale.name)


def _new_archive(ws: Workspace, keys: dict[str, str]) -> Any:
    from toolkit.reports.archive import CaseArchive

    return CaseArchive(ws.config.state_dir / "meldingen", keys)


def _digests(files: dict[str, bytes]) -> list[tuple[int, str]]:
    log = json.loads(files.get("log.json.enc", b"[]"))
    return [(int(e["number"]), str(e["digest"])) for e in log if e.get("digest")]


def _convert_case(archive: Any, number: str, files: dict[str, bytes], identity: Any, holders: Any) -> int:
    """Seal every old file of a case in the new layout; returns the number of messages."""
    from toolkit.reports.archive import SUFFIX
    from toolkit.reports.crypto import private_dir, seal, write_private

    folder = private_dir(archive.folder(number))
    log = json.loads(files.get("log.json.enc", b"[]"))

    def put(name: str, data: bytes, role: str) -> None:
        people = holders.for_role(role)
        write_private(folder / name, seal(data, archive.recipients(people, number), f"{number}/{name}"))

    for name, data in files.items():
        if name in ("log.json.enc", "notities.json.enc"):
            continue
        new_name = name[: -len(".enc")] + SUFFIX
        role = "bericht" if "-bericht" in name else "tekst"
        put(new_name, data, role)
    for entry in log:
        entry = dict(entry)
        entry["files"] = [
            {**f, "stored_as": f["stored_as"][: -len(".enc")] + SUFFIX if f.get("stored_as") else ""}
            for f in entry["files"]
        ]
        put(f"{int(entry['number']):02d}-log.json{SUFFIX}", json.dumps(entry, ensure_ascii=False).encode(), "log")
    for index, note in enumerate(json.loads(files.get("notities.json.enc", b"[]")), start=1):
        day, _, rest = str(note).partition(", ")
        by, _, text = rest.partition(": ")
        data = json.dumps({"date": day, "by": by, "text": text}, ensure_ascii=False).encode()
        put(f"notitie-{index:03d}.json{SUFFIX}", data, "notitie")
    if identity:
        person = {
            "Melder": identity.get("Melder") or "",
            "Naam": identity.get("Naam") or "",
            "E-mail": identity.get("E-mail") or "",
            "Taal": identity.get("Taal") or "nl",
            "Berichten": identity.get("Berichten") or "",
        }
        put(f"01-identiteit.json{SUFFIX}", json.dumps(person, ensure_ascii=False).encode(), "identiteit")
    return max([len(log), 1 if identity else 0])
