"""The integrity code's rules for side functions (nevenfuncties), as pure functions of one register row and a date.

Findings, each with a short code and a Dutch text for the `Beoordeling` column:

- S2: a paid side function (or own business) is active without status 'goedgekeurd'.
- BETAALD: an active function not yet approved where `Betaald` is empty, so S2 can't be judged.
- AFGEWEZEN: an unpaid function that was refused is still active according to the register.
- S1: an unpaid function with risk 'hoog' is still active.
- BESLUIT-OPEN / BESLUIT-TE-LAAT: a request (status 'gemeld' or 'toestemming gevraagd') without a decision;
  the decision is due within `decision_days` (14) of `Gemeld op`: day 14 is on time, day 15 is late.
- GEMELD-OP: a request without `Gemeld op`, so its term can't be counted.
- STATUS: a decision date is filled in while the status still says the request is open.
- BESLUITDATUM: the status is 'goedgekeurd' or 'afgewezen' without a decision date.
- DOSSIER: a decision that is not recorded in the personnel file (`Vastgelegd in personeelsdossier op` empty).
- CONFLICT: the organisation is a supplier (tolerant name match); the suggested risk is 'hoog'. Not raised
  when the risk is already 'hoog' (then the conflict has been weighed).
- HERBEVESTIGEN: an approved function is due for its yearly reconfirmation (Woonpartners' own practice, so the
  register stays current; the code itself asks only that a paid function is reported or permitted).
- BESLUIT-DOOR (governance): the director's side functions are decided by the RvC (the director's supervisor),
  an RvC member's by the RvC chair, and the chair's by the vice-chair. A decision recorded in `Besluit door` by
  anyone else, or not recorded, is a finding. The RvC is recognised by 'RvC', 'Raad van Commissarissen',
  'commissaris' or an RvC member's name; the chair by 'voorzitter' or the chair's name; the vice-chair by
  'vicevoorzitter' or the vice-chair's name.

A function is active when its status is not 'beëindigd', it has started (no start date counts as started)
and it has not ended (no end date, or an end date today or later). Ended functions give only DOSSIER.

Reconfirmation: the anniversaries of the decision are decided_on + k * reconfirm_months (k = 1, 2, ...),
each counted from the decision date itself (so 29 February stays end-of-month safe). `reconfirm_by` is the
first anniversary after the last reminder (or after the decision, when none was sent). It is due on and
after that day; once the reminder is recorded in `Herinnerd op`, `reconfirm_by` moves to the next
anniversary, so a reminder is asked for once per period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from toolkit.names import index_of
from toolkit.reports.deadlines import add_months
from toolkit.values import counted

OPEN_STATUSES = ("gemeld", "toestemming gevraagd")
APPROVED = "goedgekeurd"
REFUSED = "afgewezen"
ENDED = "beëindigd"
DECIDED_STATUSES = (APPROVED, REFUSED)
DIRECTOR = "directeur-bestuurder"
BOARD_MEMBER = "RvC-lid"
PUBLISHED_ROLES = (DIRECTOR, BOARD_MEMBER)
HIGH = "hoog"

# Every finding code this module writes and its meaning in Dutch (the Uitleg sheet's legend).
CODES: dict[str, str] = {
    "S1": "Onbetaalde nevenfunctie met hoog risico op belangenverstrengeling loopt nog.",
    "S2": "Betaalde nevenfunctie of eigen bedrijf loopt zonder goedkeuring (of na een afwijzing).",
    "AFGEWEZEN": "Afgewezen nevenfunctie loopt volgens het register nog.",
    "BETAALD": "'Betaald' is leeg, dus S2 is niet te beoordelen.",
    "BESLUIT-OPEN": "Verzoek wacht op een besluit; de termijn (14 dagen) loopt nog.",
    "BESLUIT-TE-LAAT": "Verzoek heeft na de termijn (14 dagen) nog geen besluit.",
    "GEMELD-OP": "'Gemeld op' is leeg, dus de beslistermijn is niet te bewaken.",
    "STATUS": "Besluitdatum ingevuld terwijl de status nog open staat.",
    "BESLUITDATUM": "Status goedgekeurd of afgewezen zonder besluitdatum.",
    "DOSSIER": "Besluit niet vastgelegd in het personeelsdossier.",
    "CONFLICT": "De organisatie is leverancier of opdrachtnemer: zet het risico op hoog of licht toe.",
    "BESLUIT-DOOR": "Besluit over de nevenfunctie van bestuurder of RvC-lid niet (of door de verkeerde) vastgelegd.",
    "HERBEVESTIGEN": "Jaarlijkse herbevestiging van een goedgekeurde nevenfunctie nodig.",
}
# The codes that are against the code itself (red in the register); the others ask for an action (amber).
IN_BREACH_CODES = frozenset({"S1", "S2", "AFGEWEZEN", "BESLUIT-TE-LAAT"})


@dataclass(frozen=True)
class SideJob:
    """One row of the side-functions register, as plain values."""

    employee: str
    role: str | None
    function: str
    organisation: str
    paid: bool | None
    hours_per_month: float | None
    start: date | None
    end: date | None
    reported_on: date | None
    status: str | None  # one of SIDEJOB_STATUSES
    decided_by: str | None
    decided_on: date | None
    risk: str | None  # one of RISK_LEVELS
    filed_on: date | None  # 'Vastgelegd in personeelsdossier op'
    reminded_on: date | None = None  # toolkit-owned 'Herinnerd op'


@dataclass(frozen=True)
class SideJobPolicy:
    """The configurable terms; `suppliers` holds supplier names as written in the supplier register."""

    decision_days: int = 14
    reconfirm_months: int = 12
    suppliers: tuple[str, ...] = ()
    board_members: tuple[str, ...] = ()  # names of the RvC members (medewerkers.xlsx, role 'RvC-lid')
    board_chair: str = ""  # the chair's name
    board_vice_chair: str = ""  # the vice-chair's name


@dataclass(frozen=True)
class SideJobFinding:
    """One thing to act on: a short code and a Dutch explanation."""

    code: str
    text: str


@dataclass(frozen=True)
class SideJobReview:
    """The outcome of reviewing one side function on one day."""

    findings: tuple[SideJobFinding, ...]
    days_waiting: int | None  # days since `Gemeld op` for an open request
    overdue: bool  # the open request passed its decision term
    reconfirm_by: date | None  # for an active approved function: next reconfirmation date
    reconfirm_due: bool
    suggested_risk: str | None  # 'hoog' when the organisation is a supplier and the risk isn't 'hoog' yet

    def text(self) -> str:
        """'OK', or the findings as 'CODE: text' joined by '; ' (for the `Beoordeling` column)."""
        if not self.findings:
            return "OK"
        return "; ".join(f"{f.code}: {f.text}" for f in self.findings)


def _status(job: SideJob) -> str:
    return (job.status or "").strip().casefold()


def is_ended(job: SideJob, today: date) -> bool:
    """True when the status is 'beëindigd' or the end date has passed."""
    return _status(job) == ENDED or (job.end is not None and job.end < today)


def is_active(job: SideJob, today: date) -> bool:
    """True when the function runs today: started (or no start date) and not ended."""
    return not is_ended(job, today) and (job.start is None or job.start <= today)


def is_published(job: SideJob, today: date) -> bool:
    """True for a function of the director or an RvC member that is not ended nor refused (S3 publication)."""
    if job.role not in PUBLISHED_ROLES:
        return False
    return not is_ended(job, today) and _status(job) != REFUSED


def _anniversary(decided_on: date, k: int, months: int) -> date:
    return add_months(decided_on, k * months)


def reconfirm_by(job: SideJob, policy: SideJobPolicy, today: date) -> date | None:
    """The first decision anniversary after the last reminder (or the decision); None when not applicable."""
    if _status(job) != APPROVED or job.decided_on is None or is_ended(job, today):
        return None
    since = job.decided_on if job.reminded_on is None else max(job.decided_on, job.reminded_on)
    k = 1
    while _anniversary(job.decided_on, k, policy.reconfirm_months) <= since:
        k += 1
    return _anniversary(job.decided_on, k, policy.reconfirm_months)


def should_remind(job: SideJob, policy: SideJobPolicy, today: date) -> bool:
    """True when an approved, active function is due for reconfirmation and no reminder was sent this period."""
    due_on = reconfirm_by(job, policy, today)
    return due_on is not None and today >= due_on and is_active(job, today)


def _paid_findings(job: SideJob) -> list[SideJobFinding]:
    status = _status(job)
    if status == APPROVED:
        return []
    if job.paid is None:
        return [SideJobFinding("BETAALD", "Vul 'Betaald' in. Zonder dat is S2 niet te beoordelen.")]
    if job.paid and status == REFUSED:
        text = "Betaalde nevenfunctie loopt terwijl toestemming is afgewezen. Bespreek dit met de medewerker."
        return [SideJobFinding("S2", text)]
    if job.paid:
        text = "Betaalde nevenfunctie of eigen bedrijf loopt zonder goedkeuring. Vraag toestemming en leg het vast."
        return [SideJobFinding("S2", text)]
    if status == REFUSED:
        text = "Afgewezen nevenfunctie loopt volgens het register nog. Vul de einddatum in of zet status beëindigd."
        return [SideJobFinding("AFGEWEZEN", text)]
    return []


def _s1_finding(job: SideJob) -> list[SideJobFinding]:
    if job.paid is False and (job.risk or "").strip().casefold() == HIGH:
        text = (
            "Onbetaalde nevenfunctie met hoog risico op belangenverstrengeling loopt nog. "
            "Alleen toegestaan als er geen belangenconflict kan ontstaan. Bespreek met leidinggevende en HR."
        )
        return [SideJobFinding("S1", text)]
    return []


def request_wait(job: SideJob, policy: SideJobPolicy, today: date) -> tuple[int | None, bool]:
    """Days waiting since `Gemeld op` and whether the decision term has passed, for an open request."""
    if _status(job) not in OPEN_STATUSES or job.decided_on is not None or job.reported_on is None:
        return None, False
    return (today - job.reported_on).days, today > job.reported_on + timedelta(days=policy.decision_days)


def _request_findings(job: SideJob, policy: SideJobPolicy, today: date) -> list[SideJobFinding]:
    if _status(job) not in OPEN_STATUSES:
        return []
    if job.decided_on is not None:
        text = "Besluitdatum is ingevuld maar de status staat nog open. Vul bij 'Status' het besluit in."
        return [SideJobFinding("STATUS", text)]
    if job.reported_on is None:
        return [SideJobFinding("GEMELD-OP", "Vul 'Gemeld op' in. De beslistermijn is anders niet te bewaken.")]
    days = (today - job.reported_on).days  # what request_wait says for an open request with a date
    deadline = job.reported_on + timedelta(days=policy.decision_days)
    if today > deadline:
        text = (
            f"Nog geen besluit, {counted(days, 'dag', 'dagen')} na het verzoek. "
            f"Uiterlijk {deadline:%d-%m-%Y} had besloten moeten zijn."
        )
        return [SideJobFinding("BESLUIT-TE-LAAT", text)]
    text = f"Verzoek wacht op besluit ({counted(days, 'dag', 'dagen')}). Besluit uiterlijk {deadline:%d-%m-%Y}."
    return [SideJobFinding("BESLUIT-OPEN", text)]


def _filing_findings(job: SideJob) -> list[SideJobFinding]:
    status = _status(job)
    findings = []
    if status in DECIDED_STATUSES and job.decided_on is None:
        findings.append(SideJobFinding("BESLUITDATUM", "Vul de besluitdatum in."))
    decided = status in DECIDED_STATUSES or job.decided_on is not None
    if decided and job.filed_on is None:
        text = (
            "Besluit is niet vastgelegd in het personeelsdossier (cao Woondiensten). Vul de datum in als dat gedaan is."
        )
        findings.append(SideJobFinding("DOSSIER", text))
    return findings


def _supplier_match(job: SideJob, policy: SideJobPolicy) -> str | None:
    """The first supplier that is the same organisation (same_organisation), found through an index."""
    return index_of(policy.suppliers).match(job.organisation)


def _conflict_finding(job: SideJob, policy: SideJobPolicy) -> list[SideJobFinding]:
    supplier = _supplier_match(job, policy)
    if supplier is None or (job.risk or "").strip().casefold() == HIGH:
        return []
    text = (
        f"'{job.organisation}' is leverancier of opdrachtnemer ('{supplier}'): kans op belangenverstrengeling. "
        "Zet het risico op hoog of licht toe waarom niet."
    )
    return [SideJobFinding("CONFLICT", text)]


def _words(text: str | None) -> str:
    return " ".join((text or "").casefold().replace("-", " ").split())


def _names(text: str | None, names: tuple[str, ...]) -> bool:
    said = _words(text)
    return any(_words(name) and _words(name) in said for name in names)


def _by_board(decided_by: str | None, policy: SideJobPolicy) -> bool:
    said = f" {_words(decided_by)} "
    words = (" rvc ", "raad van commissarissen", "commissaris")
    return any(w in said for w in words) or _names(decided_by, (*policy.board_members, policy.board_chair))


def _by_chair(decided_by: str | None, policy: SideJobPolicy) -> bool:
    said = _words(decided_by).replace("vice voorzitter", "vicevoorzitter")
    return ("voorzitter" in said.replace("vicevoorzitter", "")) or _names(decided_by, (policy.board_chair,))


def _by_vice_chair(decided_by: str | None, policy: SideJobPolicy) -> bool:
    said = _words(decided_by).replace("vice voorzitter", "vicevoorzitter")
    return "vicevoorzitter" in said or _names(decided_by, (policy.board_vice_chair,))


def who_decides(job: SideJob, policy: SideJobPolicy) -> str | None:
    """Who must decide this function by the code's governance, in Dutch; None for staff and managers."""
    if job.role == DIRECTOR:
        return "de RvC"
    if job.role == BOARD_MEMBER:
        is_chair = bool(policy.board_chair) and _words(job.employee) == _words(policy.board_chair)
        return "de vicevoorzitter van de RvC" if is_chair else "de voorzitter van de RvC"
    return None


def _governance_finding(job: SideJob, policy: SideJobPolicy) -> list[SideJobFinding]:
    decider = who_decides(job, policy)
    decided = _status(job) in DECIDED_STATUSES or job.decided_on is not None
    if decider is None or not decided:
        return []
    if not (job.decided_by or "").strip():
        return [SideJobFinding("BESLUIT-DOOR", f"Vul bij 'Besluit door' in wie besliste; dat hoort {decider} te zijn.")]
    if decider == "de RvC":
        right = _by_board(job.decided_by, policy)
    elif decider.startswith("de vice"):
        right = _by_vice_chair(job.decided_by, policy)
    else:
        right = _by_chair(job.decided_by, policy) and not _by_vice_chair(job.decided_by, policy)
    if right:
        return []
    text = f"Over een nevenfunctie van de {job.role} beslist {decider}, niet '{job.decided_by}'. Leg dat besluit vast."
    return [SideJobFinding("BESLUIT-DOOR", text)]


def _reconfirm_finding(due_on: date | None, today: date) -> list[SideJobFinding]:
    if due_on is None or today < due_on:
        return []
    text = f"Jaarlijkse herbevestiging nodig (sinds {due_on:%d-%m-%Y}). Vraag of de functie ongewijzigd is."
    return [SideJobFinding("HERBEVESTIGEN", text)]


def review_side_job(job: SideJob, policy: SideJobPolicy, today: date) -> SideJobReview:
    """All findings for one side function on `today`, with the waiting time and reconfirmation date."""
    if is_ended(job, today):
        return SideJobReview(
            tuple(_filing_findings(job) + _governance_finding(job, policy)), None, False, None, False, None
        )
    findings: list[SideJobFinding] = []
    if is_active(job, today):
        findings += _paid_findings(job) + _s1_finding(job)
    findings += _request_findings(job, policy, today)
    findings += _filing_findings(job)
    findings += _governance_finding(job, policy)
    findings += _conflict_finding(job, policy)
    due_on = reconfirm_by(job, policy, today)
    findings += _reconfirm_finding(due_on, today) if is_active(job, today) else []
    days_waiting, overdue = request_wait(job, policy, today)
    suggested = HIGH if any(f.code == "CONFLICT" for f in findings) else None
    reconfirm_due = should_remind(job, policy, today)
    return SideJobReview(tuple(findings), days_waiting, overdue, due_on, reconfirm_due, suggested)
