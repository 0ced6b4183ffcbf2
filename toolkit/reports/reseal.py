"""`integrity reports reseal`: seal a case again for who should hold it now (handler in, person concerned out).

The nightly job can't do this (it holds no key that opens anything); an identity holder runs it with their key.
Every file of the case is opened first, then all are written sealed to the current holders (`holders.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.reports.access import find_case, require_identity
from toolkit.reports.cases import case_archive, load_cases, record_holders, sealed_holders, wanted_holders

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey
    from toolkit.workspace import Workspace


@dataclass(frozen=True)
class ResealResult:
    """Cases sealed again to their current holders (the person concerned taken out, a new handler added)."""

    resealed: tuple[str, ...]
    files: int
    skipped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.skipped


def reseal(ws: Workspace, key: PrivateKey, number: str | None = None) -> ResealResult:
    """Seal every file of each case whose holders changed again, to who should hold it now; needs an identity key."""
    from toolkit.keys import public_keys

    keys = public_keys(ws)
    cases = [find_case(ws, number)] if number else load_cases(ws)
    done, skipped, files = [], [], 0
    for case in cases:
        wanted = wanted_holders(ws, case)
        current = sealed_holders(ws, case.number)
        if current == wanted and _same_keys(ws, case.number, keys) and not number:
            continue
        if len(wanted.identity) < 1:
            skipped.append(f"{case.number}: niemand over om de identiteit te bewaren")
            continue
        require_identity(ws, case, key, "opnieuw versleutelen")
        files += case_archive(ws).reseal(case.number, key, wanted)
        record_holders(ws, case.number, wanted, keys)
        ws.audit.record("reports.resealed", actor=ws.actor, target=case.number, key=key.email)
        done.append(case.number)
    return ResealResult(tuple(done), files, tuple(skipped))


def _same_keys(ws: Workspace, number: str, keys: dict[str, str]) -> bool:
    from toolkit.reports.cases import sealed_keys

    used = sealed_keys(ws, number)
    return all(keys.get(person) == public for person, public in used.items())
