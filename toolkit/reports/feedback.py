"""The Wbk's duties on an update, as pure checks: substantive feedback, acknowledgements outside the toolkit, who decided.

- Only substantive feedback on the assessment and follow-up (`--feedback TEXT`) clears the 3-month deadline. A status
  change never does. With `--tell-reporter` the feedback is recorded only once it was sent (`--send`); without it,
  it was given outside the toolkit (by phone, in a meeting) and is recorded as given today.
- `--acknowledged-on DATE --how TEXT` records an acknowledgement given outside the toolkit (it clears the alert).
- Stap 4: the decision on a serious breach and the measures are taken by the directeur-bestuurder, or by the RvC when
  the report concerns the director. Such an update names the deciding role and the person (`--by`); without a
  deciding role it is refused. The audit line names the operating-system user who recorded it.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date

from toolkit.errors import InputError

DIRECTOR_ROLE = "directeur-bestuurder"
BOARD_ROLE = "RvC"
DECIDING_ROLES = (DIRECTOR_ROLE, BOARD_ROLE)


@dataclass(frozen=True)
class Decider:
    """Who took a Stap 4 decision: the role and the person."""

    role: str
    by: str

    @property
    def label(self) -> str:
        return f"{self.role}: {self.by}"


def deciding_role_for(concerns: str | None, concerned_is_director: bool) -> str:
    """The role the code gives the decision: the RvC when the report concerns the director, else the director."""
    return BOARD_ROLE if concerns == DIRECTOR_ROLE or concerned_is_director else DIRECTOR_ROLE


def check_decider(number: str, deciding: bool, role: str | None, by: str | None, expected_role: str) -> Decider | None:
    """The decider of a Stap 4 update, or a Dutch refusal; None when the update decides nothing."""
    if not deciding:
        if role or by:
            raise InputError(
                f"zaak {number}: --role en --by horen bij een besluit (--serious of --measure).",
                hint="geef ook --serious of --measure, of laat --role en --by weg.",
            )
        return None
    if not role:
        raise InputError(
            f"zaak {number}: een besluit over ernstige inbreuk of een maatregel zonder besluitvormer wordt niet "
            "vastgelegd. Volgens Stap 4 van de integriteitscode besluit de directeur-bestuurder, of de RvC als de "
            "melding de directeur-bestuurder betreft.",
            hint=f"geef --role {expected_role} en --by 'naam van wie besloot'.",
        )
    if role != expected_role:
        raise InputError(
            f"zaak {number}: --role {role} mag hier niet besluiten; volgens Stap 4 besluit {expected_role}.",
            hint=f"geef --role {expected_role}.",
        )
    if not by or not by.strip():
        raise InputError(
            f"zaak {number}: wie besloot ontbreekt.", hint="geef --by met de naam van wie namens de rol besloot."
        )
    return Decider(role, by.strip())


def check_acknowledgement(number: str, on: date | None, how: str | None, received: date | None, today: date) -> None:
    """An acknowledgement given outside the toolkit needs a date (not before receipt, not in the future) and how."""
    if on is None:
        if how:
            raise InputError(f"zaak {number}: --how hoort bij --acknowledged-on.", hint="geef ook --acknowledged-on.")
        return
    if not how or not how.strip():
        raise InputError(f"zaak {number}: zeg hoe de ontvangst is bevestigd.", hint="bijvoorbeeld --how 'telefonisch'.")
    if on > today or (received is not None and on < received):
        raise InputError(
            f"zaak {number}: --acknowledged-on {on:%d-%m-%Y} ligt niet tussen ontvangst en vandaag.",
            hint="geef de datum waarop de ontvangst werkelijk is bevestigd.",
        )


def os_user() -> str:
    """The operating-system user recording the change (for the audit line)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in this environment
        return "onbekend"
