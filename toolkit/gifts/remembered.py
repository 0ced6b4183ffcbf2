"""The last complete gifts check, remembered: `gifts check` on registers that have not changed since then shows
that judgement again, without reading and judging every row once more (170,000 rows: seconds, not a minute).

A judgement is remembered only when the register holds it completely (every verdict written, nothing waiting or
skipped), under a key of everything it depends on: the bytes of geschenken.xlsx, leveranciers.xlsx,
medewerkers.xlsx and config.toml, and the code of the rules. G1–G7 do not depend on the date, so a remembered
judgement stays right on later days. Whether a finding is new (not yet notified) is looked up again in the ledger
every time. Reading it is a preview: nothing is written.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from toolkit.gifts.notify import GiftFinding

if TYPE_CHECKING:
    from toolkit.gifts.service import GiftCheckResult, GiftJudgement
    from toolkit.plan import Applied
    from toolkit.workspace import Workspace

STATE_KEY = "gifts.check.remembered"
INPUTS = ("geschenken.xlsx", "leveranciers.xlsx", "medewerkers.xlsx")


@dataclass(frozen=True)
class Remembered:
    """A complete judgement of the gifts register, as the check found it."""

    judged_on: date
    judged: int
    ok_rows: int
    per_rule: dict[str, int]
    notes: tuple[str, ...]
    findings: tuple[GiftFinding, ...]  # with new=False: the ledger says what is new


def inputs_key(ws: Workspace) -> str:
    from toolkit.nightly import inputs_key as key_of

    return key_of(ws, list(INPUTS), extra=_rules_digest(), dated=False)


@functools.cache
def _rules_digest() -> str:
    """The rules' own source: a toolkit with other rules (or other verdict texts) judges again."""
    from toolkit.gifts import inputs, keys, notify, rules, service
    from toolkit.nightly import code_digest

    return code_digest(rules, keys, notify, service, inputs)


def remember(ws: Workspace, judgement: Remembered) -> None:
    payload = {
        "inputs": inputs_key(ws),
        "judged_on": judgement.judged_on.isoformat(),
        "judged": judgement.judged,
        "ok_rows": judgement.ok_rows,
        "per_rule": judgement.per_rule,
        "notes": list(judgement.notes),
        "findings": [_row(finding) for finding in judgement.findings],
    }
    ws.state.set(STATE_KEY, json.dumps(payload, separators=(",", ":")))  # ASCII: twice as quick to write here


def recall(ws: Workspace) -> Remembered | None:
    """The remembered judgement when every input is still byte for byte the same; else None."""
    raw = ws.state.get(STATE_KEY)
    if not raw:
        return None
    try:
        payload = json.loads(raw)
        if payload.get("inputs") != inputs_key(ws):
            return None
        findings = tuple(_finding(values) for values in payload["findings"])
        return Remembered(
            judged_on=date.fromisoformat(payload["judged_on"]),
            judged=int(payload["judged"]),
            ok_rows=int(payload["ok_rows"]),
            per_rule={str(rule): int(count) for rule, count in payload["per_rule"].items()},
            notes=tuple(str(note) for note in payload["notes"]),
            findings=findings,
        )
    except (ValueError, KeyError, TypeError):  # an older or damaged entry: judge again
        return None


def _row(f: GiftFinding) -> list[object]:
    """A finding as a JSON list, in field order (`_finding` reads it back)."""
    return [
        f.nr,
        f.excel_row,
        f.employee,
        f.giver,
        f.description,
        f.verdict,
        f.rules,
        f.manager,
        f.key,
        False,
        f.weight,
    ]


def _finding(values: list[object]) -> GiftFinding:
    nr, excel_row, employee, giver, description, verdict, rules, manager, key, _new, weight = values
    return GiftFinding(
        nr=int(nr) if nr is not None else None,  # type: ignore[call-overload]
        excel_row=int(excel_row),  # type: ignore[call-overload]
        employee=str(employee),
        giver=str(giver),
        description=str(description),
        verdict=str(verdict),
        rules=tuple(str(rule) for rule in rules),  # type: ignore[attr-defined]
        manager=str(manager) if manager is not None else None,
        key=str(key),
        new=False,
        weight=str(weight),
    )


def remember_if_complete(ws: Workspace, judged: GiftJudgement, applied: Applied) -> None:
    """The register now holds this judgement completely (every planned cell written or already so, nothing waiting
    or skipped):
    remember it for a later `gifts check` on the same bytes."""
    from toolkit.gifts.rules import summarise

    save = applied.save_of(INPUTS[0])
    planned = len(judged.plan.cells)
    if save is None and planned:
        return
    if save is not None and (save.waiting or save.skipped):
        return
    summary = summarise([(item.row.nr or 0, item.judgement) for item in judged.assessed if item.judgement is not None])
    unnumbered = [f for f in judged.findings if not f.key]
    if unnumbered:  # rows still without Nr: their findings get a key only after a write numbers them
        return
    remember(
        ws,
        Remembered(ws.today, summary.judged, summary.ok, dict(summary.per_rule), judged.notes, judged.findings),
    )


def shown_again(ws: Workspace, known: Remembered) -> GiftCheckResult:
    """A remembered check shown again: the counts and findings as they were, what is new asked of the ledger."""
    from toolkit.gifts.notify import with_news
    from toolkit.gifts.rules import FOR_REVIEW, IN_BREACH, RULES, UNJUDGEABLE
    from toolkit.gifts.service import GiftCheckResult

    findings = tuple(finding for finding, _, _ in with_news(ws, list(known.findings)))
    note = f"de registers zijn niet veranderd sinds de beoordeling van {known.judged_on:%d-%m-%Y}: niet opnieuw gelezen"
    return GiftCheckResult(
        workbook=INPUTS[0],
        judged=known.judged,
        ok_rows=known.ok_rows,
        per_rule={rule: known.per_rule.get(rule, 0) for rule in RULES},
        against_code=tuple(f for f in findings if f.weight == IN_BREACH),
        unjudgeable=tuple(f for f in findings if f.weight == UNJUDGEABLE),
        for_review=tuple(f for f in findings if f.weight == FOR_REVIEW),
        cells_written=0,
        waiting="",
        notes=(*known.notes, note),
        notify=False,
        dry_run=True,
        new_findings=sum(1 for f in findings if f.new),
        mails=(),
        sent=0,
        failed=(),
    )
