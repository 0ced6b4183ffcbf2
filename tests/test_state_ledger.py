"""The send ledger's answer to "which of these were delivered": the same whether few or many keys are asked."""

from __future__ import annotations

from pathlib import Path

from toolkit.state import SCAN_PER_KEY, StateStore


def _ledger(path: Path) -> tuple[StateStore, set[str], set[str]]:
    """A ledger with sent and interrupted messages, covered items and legacy notified keys: (store, delivered, not)."""
    state = StateStore(path)
    delivered, not_delivered = set(), set()
    for n in range(40):
        key, items = f"bericht-{n}", (f"bevinding-{n}:leidinggevende", f"bevinding-{n}:overzicht")
        state.mark_sending(key, f"<{n}@test>", "geschenk_bevinding", covers=items)
        if n % 4:
            state.mark_sent(key)
            delivered.update((key, *items))
        else:  # killed between the mark and the send: not delivered
            not_delivered.update((key, *items))
    for n in range(5):
        state.execute("INSERT INTO notified (key, notified_at) VALUES (?, '2025-01-01T00:00:00')", (f"oud-{n}",))
        delivered.add(f"oud-{n}")
    return state, delivered, not_delivered


def test_delivered_among_many_keys_is_the_same_as_few(tmp_path: Path) -> None:
    """Asked with many keys (one pass over the ledger) or one at a time (by index): the same delivered keys."""
    state, delivered, not_delivered = _ledger(tmp_path / "state.sqlite")
    unknown = {f"onbekend-{n}" for n in range(200)}  # with these, far more keys than ledger rows per SCAN_PER_KEY
    asked = delivered | not_delivered | unknown
    assert len(asked) * SCAN_PER_KEY > 40 + 80 + 5
    assert state.delivered_among(asked) == delivered
    one_by_one = {key for key in sorted(asked) if state.delivered_among([key])}
    assert one_by_one == delivered
    assert state.delivered_among(list(not_delivered)) == set()
    assert state.delivered_among([]) == set()
    state.close()


def test_delivered_among_without_covered_items_table(tmp_path: Path) -> None:
    """A ledger that never sent a message covering items answers from its messages and legacy keys alone."""
    state = StateStore(tmp_path / "state.sqlite")
    state.mark_sending("welkom:1", "<1@test>", "welkom")
    state.mark_sent("welkom:1")
    state.mark_sending("welkom:2", "<2@test>", "welkom")
    asked = {"welkom:1", "welkom:2", *(f"welkom:{n}" for n in range(3, 50))}
    assert state.delivered_among(asked) == {"welkom:1"}
    assert state.delivered_among(["welkom:1"]) == {"welkom:1"}
    assert state.delivered_among(["welkom:2"]) == set()
    state.close()
