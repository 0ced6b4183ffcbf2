"""The board report's figures: pure functions from plain facts (no I/O, no clock) to areas with a Dutch reading."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from toolkit.board.facts import NOT_RECORDED, CaseFact, Facts
from toolkit.board.model import Area, BoardReport, Breakdown, Cell, Figure, breakdown
from toolkit.board.period import Period
from toolkit.registers.schema import SIDEJOB_STATUSES
from toolkit.reports.deadlines import acknowledgement_due, feedback_due_for
from toolkit.reports.routing import ReporterKind
from toolkit.reports.schema import MEASURES, STATUSES
from toolkit.sidejobs.rules import PUBLISHED_ROLES, is_published
from toolkit.values import counted

GIFT_RULES = ("G1", "G2", "G3", "G4", "G5", "G6", "G7")
REFUSED = ("geweigerd", "teruggestuurd")
HANDED_IN = ("centraal ingeleverd", "ter beschikking organisatie")
SUPPLIER_STAGES = ("bevestigd", "vraag", "onbestelbaar")
OPEN_SIDEJOB = ("gemeld", "toestemming gevraagd")
AGENDA_PURPOSE = "integriteit_op_de_agenda"
BOARD_PURPOSE = "rvc_rapportage"
SUPPLIER_PURPOSE = "leverancier_code"


def build_report(
    facts: Facts,
    period: Period,
    compare: Period,
    today: date,
    *,
    organisation: str,
    audience: str = "rvc",
    min_cell: int = 3,
) -> BoardReport:
    """All areas; the director's version leaves out every case that concerns the director."""
    cases = tuple(c for c in facts.reports.cases if audience != "directeur" or not c.concerns_director)
    areas = (
        reports_area(cases, facts.reports.registered, period, compare, today, min_cell),
        gifts_area(facts, period, compare, min_cell),
        sidejobs_area(facts, period, compare, min_cell),
        suppliers_area(facts, period, compare),
        staff_area(facts, period, compare, today),
        agenda_area(facts, period, compare),
    )
    return BoardReport(organisation, period, compare, audience, min_cell, today.isoformat(), areas, tuple(facts.notes))


def _pct(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _median(days: list[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def _show(value: Cell) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _status(value: str | None) -> str:
    """A side function's status as listed, else 'anders' (text typed outside the list is never shown)."""
    if not value:
        return "niet ingevuld"
    return value if value in SIDEJOB_STATUSES else "anders"


def _change(label: str, now: int, before: int, compare: Period) -> str:
    return f"{now} {label} (in {compare.label}: {before})"


# -- reports -----------------------------------------------------------------------------------------------------


def _deadline(
    cases: Iterable[CaseFact], done: Callable[[CaseFact], date | None], due: Callable[[CaseFact], date], today: date
) -> tuple[int | None, float | None]:
    """Share met (%) among cases whose deadline passed or that were done, and the median days taken."""
    met = late = 0
    days: list[int] = []
    for case in cases:
        assert case.received is not None
        finished, deadline = done(case), due(case)
        if finished is not None:
            days.append((finished - case.received).days)
            met, late = (met + 1, late) if finished <= deadline else (met, late + 1)
        elif today > deadline:
            late += 1
    return _pct(met, met + late), _median(days)


def reports_area(
    all_cases: tuple[CaseFact, ...],
    registered: frozenset[str],
    period: Period,
    compare: Period,
    today: date,
    min_cell: int,
) -> Area:
    now = [c for c in all_cases if period.holds(c.received)]
    before = [c for c in all_cases if compare.holds(c.received)]

    def count(pred: Callable[[CaseFact], bool], cases: list[CaseFact]) -> int:
        return sum(1 for c in cases if pred(c))

    def both(pred: Callable[[CaseFact], bool]) -> tuple[int, int]:
        return count(pred, now), count(pred, before)

    def per(key: Callable[[CaseFact], Iterable[str]], cases: list[CaseFact]) -> Counter[str]:
        return Counter(k for c in cases for k in key(c))

    def split(title: str, key: Callable[[CaseFact], Iterable[str]], order: Iterable[str], field: str = "") -> Breakdown:
        if field and field not in registered:
            return Breakdown(title, (), True, NOT_RECORDED)
        return breakdown(title, per(key, now), per(key, before), order, min_cell=min_cell)

    ack_now = _deadline(now, lambda c: c.acknowledged, lambda c: acknowledgement_due(c.received), today)  # type: ignore[arg-type]
    ack_before = _deadline(before, lambda c: c.acknowledged, lambda c: acknowledgement_due(c.received), today)  # type: ignore[arg-type]

    def feedback_due(c: CaseFact) -> date:
        return c.feedback_due or feedback_due_for(c.received, c.acknowledged)  # type: ignore[arg-type]

    fb_now = _deadline(now, lambda c: c.feedback_given, feedback_due, today)
    fb_before = _deadline(before, lambda c: c.feedback_given, feedback_due, today)
    feedback_known = "feedback" in registered
    unknown: tuple[Cell, Cell] = (NOT_RECORDED, NOT_RECORDED)
    fb_share: tuple[Cell, Cell] = (fb_now[0], fb_before[0]) if feedback_known else unknown
    fb_days: tuple[Cell, Cell] = (fb_now[1], fb_before[1]) if feedback_known else unknown
    meldpunt: tuple[Cell, Cell] = (
        both(lambda c: bool(c.meldpunt)) if "meldpunt" in registered else (NOT_RECORDED, NOT_RECORDED)
    )
    figures = (
        Figure("Ontvangen meldingen", len(now), len(before)),
        Figure("Ernstige inbreuken", *both(lambda c: c.serious == "ja")),
        Figure("Gemeld aan de toezichthouder", *both(lambda c: c.regulator is True)),
        Figure("Doorverwezen naar het Meldpunt", *meldpunt),
        Figure("Ontvangst binnen 7 dagen bevestigd", ack_now[0], ack_before[0], "%"),
        Figure("Dagen tot ontvangstbevestiging (mediaan)", ack_now[1], ack_before[1], "dagen"),
        Figure("Terugkoppeling binnen 3 maanden", fb_share[0], fb_share[1], "%"),
        Figure("Dagen tot terugkoppeling (mediaan)", fb_days[0], fb_days[1], "dagen"),
    )
    breakdowns = (
        split("Per kanaal", lambda c: [c.channel or "onbekend"], (), "channel"),
        split("Wie meldde", lambda c: [c.reporter_kind or "niet ingevuld"], [k.value for k in ReporterKind]),
        split("Soort zorg", lambda c: [c.category or "niet ingevuld"], (), "category"),
        split("Status", lambda c: [c.status], STATUSES),
        split("Maatregelen", lambda c: [m for m in c.measures if m != "geen"], [m for m in MEASURES if m != "geen"]),
    )
    if not now and not before:
        reading = f"In {period.label} en {compare.label} zijn geen integriteitsmeldingen ontvangen."
    else:
        ack = f"; de ontvangst werd bij {_show(ack_now[0])}% binnen 7 dagen bevestigd" if ack_now[0] is not None else ""
        reading = f"In {period.label} kwamen {_change('meldingen binnen', len(now), len(before), compare)}{ack}."
    return Area("meldingen", "Integriteitsmeldingen", reading, figures, breakdowns, bool(now or before))


# -- gifts -------------------------------------------------------------------------------------------------------


def gifts_area(facts: Facts, period: Period, compare: Period, min_cell: int) -> Area:
    now = [g for g in facts.gifts if period.holds(g.received)]
    before = [g for g in facts.gifts if compare.holds(g.received)]

    def share(decisions: tuple[str, ...], gifts: list) -> int | None:
        return _pct(sum(1 for g in gifts if g.decision in decisions), len(gifts))

    def raffle(p: Period) -> str:
        held = {y: "ja" if y in facts.raffle_years else "nee" for y in p.years}
        return held[p.start.year] if len(held) == 1 else ", ".join(f"{y}: {v}" for y, v in held.items())

    with_finding = (sum(1 for g in now if g.rules), sum(1 for g in before if g.rules))
    figures = (
        Figure("Geregistreerde geschenken en uitnodigingen", len(now), len(before)),
        Figure("Met een bevinding", *with_finding),
        Figure("Geweigerd of teruggestuurd", share(REFUSED, now), share(REFUSED, before), "%"),
        Figure(
            "Ingeleverd of ter beschikking van de organisatie", share(HANDED_IN, now), share(HANDED_IN, before), "%"
        ),
        Figure("Kerstloting gehouden", raffle(period), raffle(compare)),
    )
    breakdowns = (
        breakdown(
            "Bevindingen per regel",
            Counter(r for g in now for r in g.rules),
            Counter(r for g in before for r in g.rules),
            GIFT_RULES,
        ),
        breakdown(
            "Bevindingen per afdeling",
            Counter(g.department for g in now if g.rules),
            Counter(g.department for g in before if g.rules),
            min_cell=min_cell,
        ),
    )
    if not now and not before:
        reading = f"In {period.label} en {compare.label} zijn geen geschenken of uitnodigingen geregistreerd."
    else:
        reading = (
            f"In {period.label} werden {_change('geschenken en uitnodigingen geregistreerd', len(now), len(before), compare)}"
            f", waarvan {with_finding[0]} met een bevinding."
        )
    return Area("geschenken", "Geschenken en uitnodigingen", reading, figures, breakdowns, bool(now or before))


# -- side functions ----------------------------------------------------------------------------------------------


def sidejobs_area(facts: Facts, period: Period, compare: Period, min_cell: int) -> Area:
    def requested(p: Period) -> list:
        return [j for j in facts.sidejobs if p.holds(j.reported_on)]

    def in_time(p: Period) -> int | None:
        decided = [j for j in requested(p) if j.decided_on is not None and j.reported_on is not None]
        quick = sum(1 for j in decided if (j.decided_on - j.reported_on).days <= facts.decision_days)
        return _pct(quick, len(decided))

    def still_open(p: Period) -> int:
        return sum(
            1
            for j in facts.sidejobs
            if j.reported_on is not None
            and j.reported_on <= p.end
            and (j.status or "") in OPEN_SIDEJOB
            and (j.decided_on is None or j.decided_on > p.end)
        )

    def published(p: Period, role: str) -> int:
        return sum(1 for j in facts.sidejobs if j.role == role and is_published(j, p.end))

    now, before = requested(period), requested(compare)
    figures = (
        Figure("Gemelde nevenfuncties en verzoeken", len(now), len(before)),
        Figure(
            f"Besluit binnen {counted(facts.decision_days, 'dag', 'dagen')}", in_time(period), in_time(compare), "%"
        ),
        Figure("Open aan het eind van de periode", still_open(period), still_open(compare)),
        *(
            Figure(f"Gepubliceerd: {role}", published(period, role), published(compare, role))
            for role in PUBLISHED_ROLES
        ),
    )
    breakdowns = (
        breakdown(
            "Status van de gemelde nevenfuncties",
            Counter(_status(j.status) for j in now),
            Counter(_status(j.status) for j in before),
            min_cell=min_cell,
        ),
    )
    active = bool(now or before or figures[2].current or figures[3].current or figures[4].current)
    if not now and not before:
        reading = f"In {period.label} en {compare.label} zijn geen nevenfuncties gemeld."
    else:
        pct = in_time(period)
        timely = (
            f"; {_show(pct)}% kreeg binnen {counted(facts.decision_days, 'dag', 'dagen')} een besluit"
            if pct is not None
            else ""
        )
        reading = f"In {period.label} werden {_change('nevenfuncties gemeld', len(now), len(before), compare)}{timely}."
    return Area("nevenfuncties", "Nevenfuncties", reading, figures, breakdowns, active)


# -- suppliers ---------------------------------------------------------------------------------------------------


def suppliers_area(facts: Facts, period: Period, compare: Period) -> Area:
    def sent(p: Period) -> list:
        return [s for s in facts.suppliers if p.holds(s.sent_on)]

    def funnel(p: Period) -> Counter[str]:
        rows = sent(p)
        counts = Counter({"verzonden": len(rows), "herinnerd": sum(1 for s in rows if s.reminders > 0)})
        counts.update(s.status for s in rows if s.status in SUPPLIER_STAGES)
        counts["nog geen antwoord"] = sum(1 for s in rows if s.status not in SUPPLIER_STAGES)
        return counts

    def ledger(p: Period) -> int:
        return sum(1 for purpose, day in facts.sent_mail if purpose == SUPPLIER_PURPOSE and p.holds(day))

    now, before = funnel(period), funnel(compare)
    stages = ("verzonden", "herinnerd", *SUPPLIER_STAGES, "nog geen antwoord")
    figures = (
        Figure("Code verzonden (register)", now["verzonden"], before["verzonden"]),
        Figure("Code verzonden (verzendlog)", ledger(period), ledger(compare)),
        Figure(
            "Bevestigd", _pct(now["bevestigd"], now["verzonden"]), _pct(before["bevestigd"], before["verzonden"]), "%"
        ),
    )
    breakdowns = (
        breakdown("Verloop: verzonden, herinnerd, antwoord", now, before, stages),
        breakdown(
            "Verzonden per contracteigenaar (afdeling)",
            Counter(s.owner_department for s in sent(period)),
            Counter(s.owner_department for s in sent(compare)),
        ),
        breakdown(
            "Bevestigd per contracteigenaar (afdeling)",
            Counter(s.owner_department for s in sent(period) if s.status == "bevestigd"),
            Counter(s.owner_department for s in sent(compare) if s.status == "bevestigd"),
        ),
    )
    if not now["verzonden"] and not before["verzonden"]:
        reading = f"In {period.label} en {compare.label} is de integriteitscode niet aan leveranciers verstuurd."
    else:
        reading = (
            f"In {period.label} ging de code naar {counted(now['verzonden'], 'leverancier', 'leveranciers')} "
            f"(in {compare.label}: {before['verzonden']}), van wie {now['bevestigd']} de ontvangst "
            f"{'bevestigde' if now['bevestigd'] == 1 else 'bevestigden'}."
        )
    return Area(
        "leveranciers", "Leveranciers", reading, figures, breakdowns, bool(now["verzonden"] or before["verzonden"])
    )


# -- new staff ---------------------------------------------------------------------------------------------------


def staff_area(facts: Facts, period: Period, compare: Period, today: date) -> Area:
    weeks = facts.conversation_weeks

    def joined(p: Period) -> list:
        return [s for s in facts.staff if p.holds(s.start)]

    def conversation(p: Period) -> tuple[int | None, float | None]:
        met = late = 0
        days: list[int] = []
        for person in joined(p):
            due = person.start + timedelta(weeks=weeks)
            if person.conversation_on is not None:
                days.append((person.conversation_on - person.start).days)
                met, late = (met + 1, late) if person.conversation_on <= due else (met, late + 1)
            elif today > due:
                late += 1
        return _pct(met, met + late), _median(days)

    now, before = joined(period), joined(compare)
    talk_now, talk_before = conversation(period), conversation(compare)
    figures = (
        Figure("Nieuwe medewerkers", len(now), len(before)),
        Figure(
            "Integriteitscode verzonden",
            sum(1 for s in now if s.code_sent_on),
            sum(1 for s in before if s.code_sent_on),
        ),
        Figure(
            "Ontvangst van de code bevestigd",
            sum(1 for s in now if s.confirmed_on),
            sum(1 for s in before if s.confirmed_on),
        ),
        Figure(f"Gesprek met M&O binnen {counted(weeks, 'week', 'weken')}", talk_now[0], talk_before[0], "%"),
        Figure("Dagen tot het gesprek (mediaan)", talk_now[1], talk_before[1], "dagen"),
    )
    if not now and not before:
        reading = f"In {period.label} en {compare.label} kwamen geen nieuwe medewerkers in dienst."
    else:
        talk = (
            f"; {_show(talk_now[0])}% sprak binnen {counted(weeks, 'week', 'weken')} met M&O"
            if talk_now[0] is not None
            else ""
        )
        reading = (
            f"In {period.label} kwamen {_change('nieuwe medewerkers in dienst', len(now), len(before), compare)}{talk}."
        )
    return Area("nieuwe_medewerkers", "Nieuwe medewerkers", reading, figures, (), bool(now or before))


# -- agenda ------------------------------------------------------------------------------------------------------


def agenda_area(facts: Facts, period: Period, compare: Period) -> Area:
    def mails(p: Period, purpose: str) -> int:
        return len({day for kind, day in facts.sent_mail if kind == purpose and p.holds(day)})

    def meetings(p: Period) -> int:
        return sum(1 for day in facts.meetings if p.holds(day))

    figures = (
        Figure(
            "Herinnering 'integriteit op de agenda' verstuurd",
            mails(period, AGENDA_PURPOSE),
            mails(compare, AGENDA_PURPOSE),
        ),
        Figure("RvC-vergaderingen (volgens config.toml)", meetings(period), meetings(compare)),
        Figure(
            "Integriteitsrapportage aan de RvC verstuurd", mails(period, BOARD_PURPOSE), mails(compare, BOARD_PURPOSE)
        ),
        Figure("Besproken in teamoverleg", NOT_RECORDED, NOT_RECORDED),
        Figure("Besproken in het MT", NOT_RECORDED, NOT_RECORDED),
        Figure("Jaarlijkse personeelsbijeenkomst", NOT_RECORDED, NOT_RECORDED),
    )
    active = any(
        isinstance(f.current, int) and f.current or isinstance(f.previous, int) and f.previous for f in figures
    )
    reading = (
        f"In {period.label} {'staat' if meetings(period) == 1 else 'staan'} "
        f"{counted(meetings(period), 'RvC-vergadering', 'RvC-vergaderingen')} gepland en werd "
        f"{mails(period, BOARD_PURPOSE)} keer een integriteitsrapportage verstuurd; overleg in teams en MT wordt "
        "niet in de registers bijgehouden."
    )
    return Area("agenda", "Integriteit op de agenda", reading, figures, (), active)
