"""What `integrity check` says about the reports: keys, holders, the register and the archive (reads only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkit.errors import ToolkitError
from toolkit.values import counted

if TYPE_CHECKING:
    from toolkit.checks import CheckSection
    from toolkit.workspace import Workspace

MIN_HOLDERS = 2


def check_reports(ws: Workspace) -> CheckSection:
    """Holders without a usable public key, circles of fewer than two, cases to reseal, missing stores."""
    from toolkit.checks import CheckSection
    from toolkit.keys import public_keys
    from toolkit.reports.assign import addresses_by_entry, organisation
    from toolkit.reports.holders import identity_holders
    from toolkit.reports.migrate import needs_migration

    section = CheckSection("Meldingen (sleutels)")
    keys = public_keys(ws)
    if needs_migration(ws):
        section.problems.append(
            "de meldingen staan nog in de oude opzet met wachtwoorden: zet ze om met 'integrity reports migrate --write'"
        )
        return section
    org = organisation(ws)
    if not keys and not _has_cases(ws):
        return _not_set_up(ws, section)
    circles = {
        f"meldingen aan {address or entry.value} ({entry.value})": identity_holders(org, entry)
        for entry, address in addresses_by_entry(ws).items()
        if address or entry.value == "algemeen"
    }
    for where, people in circles.items():
        missing = [p for p in people if p not in keys]
        section.problems += [
            f"{p} ({where}) heeft geen publieke sleutel: 'integrity keys new {p} --out …'" for p in missing
        ]
        if len(people) - len(missing) < MIN_HOLDERS:
            section.problems.append(
                f"{where}: minder dan {MIN_HOLDERS} mensen met een sleutel; wie zijn sleutel kwijtraakt, verliest dan alles"
            )
    cases = _case_problems(ws, keys, section.problems)
    section.ok_line = (
        f"{counted(len(keys), 'publieke sleutel', 'publieke sleutels')}; {counted(cases, 'zaak', 'zaken')}, "
        f"elk met minstens {MIN_HOLDERS} sleutelhouders"
    )
    return section


def _has_cases(ws: Workspace) -> bool:
    from toolkit.reports.cases import load_cases

    try:
        return bool(load_cases(ws))
    except ToolkitError:
        return True  # a register the state knows of but that is missing: the detailed check says so


def _not_set_up(ws: Workspace, section: CheckSection) -> CheckSection:
    """A workspace whose report channel is not set up yet: nothing can be lost (intake takes nothing in without a
    key; the messages stay in the reports mailbox), so it is a note with the next step, not a problem."""
    from toolkit.reports.assign import addresses_by_entry, organisation
    from toolkit.reports.holders import identity_holders

    org = organisation(ws)
    people = sorted({p for entry in addresses_by_entry(ws) for p in identity_holders(org, entry)})
    section.ok_line = (
        "nog niet ingericht: er zijn geen sleutels, dus meldingen blijven ongelezen in de meldingenpostbus"
    )
    section.notes.append(
        f"maak voor elke sleutelhouder een sleutel ({', '.join(people)}): 'integrity keys new ADRES --out BESTAND'; "
        "zie de README, 'Meldingen: sleutels'"
    )
    return section


def _case_problems(ws: Workspace, keys: dict[str, str], problems: list[str]) -> int:
    from toolkit.reports.cases import load_cases, sealed_holders, sealed_keys, wanted_holders

    try:
        cases = load_cases(ws)
        from toolkit.reports.cases import case_archive

        archive = case_archive(ws)
    except ToolkitError as exc:
        problems.append(exc.message)
        return 0
    for case in cases:
        current = sealed_holders(ws, case.number)
        if current is None:
            continue
        used = sealed_keys(ws, case.number)
        usable = [p for p in current.identity if p in keys and used.get(p) == keys[p]]
        if len(usable) < MIN_HOLDERS:
            problems.append(
                f"zaak {case.number}: de identiteit is te openen door {counted(len(usable), 'sleutel', 'sleutels')} "
                f"(minstens {MIN_HOLDERS} nodig); voeg een sleutelhouder toe en draai 'integrity reports reseal --key …'"
            )
        if current != wanted_holders(ws, case) or any(keys.get(p) != k for p, k in used.items()):
            problems.append(
                f"zaak {case.number}: moet opnieuw versleuteld worden (behandelaar, betrokkene of sleutel veranderd): "
                "'integrity reports reseal --key …' door een beheerder van de identiteit"
            )
        if not archive.files(case.number):
            problems.append(f"zaak {case.number}: het archief ({archive.folder(case.number)}) ontbreekt")
    return len(cases)
