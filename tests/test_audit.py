"""The audit trail is append-only and tamper-evident: `audit verify` names the first bad line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.audit import AuditTrail
from toolkit.state import StateStore


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    state = StateStore(tmp_path / "state.sqlite")
    trail = AuditTrail(tmp_path / "audit.jsonl", head_store=state)
    for n in range(1, 6):
        trail.record("mail.sent", actor="test", target=f"<m{n}@x>", purpose="leverancier_code", ref=f"Nr {n}")
    return trail


def lines(trail: AuditTrail) -> list[bytes]:
    return trail.path.read_bytes().splitlines()


def rewrite(trail: AuditTrail, new_lines: list[bytes]) -> None:
    trail.path.write_bytes(b"".join(line + b"\n" for line in new_lines))


def test_intact_chain_verifies(trail: AuditTrail) -> None:
    """Five appended events verify as an intact chain of five lines."""
    verdict = trail.verify()
    assert verdict.ok and verdict.lines == 5


def test_edited_line_is_named(trail: AuditTrail) -> None:
    """Changing a field in line 3 is reported at line 3."""
    content = lines(trail)
    event = json.loads(content[2])
    event["target"] = "<vervalst@x>"
    content[2] = json.dumps(event, sort_keys=True, ensure_ascii=False).encode()
    rewrite(trail, content)
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 3


def test_removed_line_is_named(trail: AuditTrail) -> None:
    """Removing line 2 is reported at line 2."""
    content = lines(trail)
    del content[1]
    rewrite(trail, content)
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 2


def test_swapped_lines_are_named(trail: AuditTrail) -> None:
    """Swapping lines 3 and 4 is reported at line 3."""
    content = lines(trail)
    content[2], content[3] = content[3], content[2]
    rewrite(trail, content)
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 3


def test_cut_tail_is_noticed(trail: AuditTrail) -> None:
    """Removing the last line is noticed through the chain head kept in the state store."""
    rewrite(trail, lines(trail)[:-1])
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 5 and "ingekort" in verdict.why


def test_events_since_filters_by_date(trail: AuditTrail) -> None:
    """`show --since` keeps events from that date on."""
    from datetime import date

    assert len(trail.events(date(2000, 1, 1))) == 5
    assert trail.events(date(2999, 1, 1)) == []
