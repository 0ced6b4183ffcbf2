"""The audit trail is append-only and tamper-evident: `audit verify` names the first bad line, and its anchor outside
the workspace catches deletion, truncation, reordering, editing and re-chaining, also after later ordinary runs."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.audit import GENESIS, AuditTrail, _event_hash

DAY = "2026-11-26"
SECRETS = {"INTEGRITY_REPORTS_PASSWORD": "demo-meldingen", "INTEGRITY_IDENTITY_PASSWORD": "demo-identiteit"}


@pytest.fixture
def trail(tmp_path: Path) -> AuditTrail:
    trail = AuditTrail(tmp_path / "audit.jsonl")
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
    """Removing the last line is noticed through the head kept in the anchor outside the workspace."""
    rewrite(trail, lines(trail)[:-1])
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 5 and "ingekort" in verdict.why


def test_events_since_filters_by_date(trail: AuditTrail) -> None:
    """`show --since` keeps events from that date on."""
    from datetime import date

    assert len(trail.events(date(2000, 1, 1))) == 5
    assert trail.events(date(2999, 1, 1)) == []


def rechain(events: list[dict]) -> list[bytes]:
    """What an intruder without the key can do: renumber, re-link and re-hash every line (the mac can't be made)."""
    previous, out = GENESIS, []
    for seq, event in enumerate(events, start=1):
        event = {k: v for k, v in event.items() if k not in ("hash", "mac")}
        event["seq"], event["prev"] = seq, previous
        event["hash"] = _event_hash(event)
        line = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
        out.append(line)
        previous = hashlib.sha256(line).hexdigest()
    return out


def test_a_rechained_trail_is_caught_by_the_key(trail: AuditTrail) -> None:
    """Line 2 removed and the rest re-chained without the key: the first re-written line is named."""
    events = [json.loads(line) for line in lines(trail)]
    del events[1]
    rewrite(trail, rechain(events))
    verdict = trail.verify()
    assert not verdict.ok and verdict.bad_line == 1 and "sleutelhandtekening" in verdict.why


def test_a_replaced_trail_with_a_new_anchor_folder_is_not_called_intact(trail: AuditTrail, tmp_path: Path) -> None:
    """Without its anchor the chain is checked but verify does not say 'intact': it says the anchor is missing."""
    from toolkit.audit_anchor import Anchor

    bare = AuditTrail(trail.path, anchor=Anchor(trail.path, folder=tmp_path / "elders"))
    verdict = bare.verify()
    assert not verdict.ok and not verdict.anchored and "geen anker" in verdict.why


def test_an_edited_anchor_is_noticed(trail: AuditTrail) -> None:
    """The anchor's head file is signed with the key: editing its count is reported."""
    head = json.loads(trail.anchor.head_path.read_text(encoding="utf-8"))
    head["lines"] = 3
    trail.anchor.head_path.write_text(json.dumps(head), encoding="utf-8")
    verdict = trail.verify()
    assert not verdict.ok and "gewijzigd" in verdict.why


def test_a_run_killed_between_line_and_anchor_still_verifies(trail: AuditTrail) -> None:
    """The anchor one line behind the trail (killed after appending, before the anchor was saved) is not tampering."""
    saved = trail.anchor.head_path.read_bytes()
    trail.record("mail.sent", actor="test", target="<m6@x>")
    trail.anchor.head_path.write_bytes(saved)
    assert trail.verify().ok
    trail.record("mail.sent", actor="test", target="<m7@x>")
    assert trail.verify().ok


def test_a_session_chains_like_single_records_and_joins_other_trails_of_the_file(trail: AuditTrail) -> None:
    """Lines recorded in a session (also through a second AuditTrail of the same file, or a nested session) chain on."""
    other = AuditTrail(trail.path)
    with trail.session():
        trail.record("mail.sent", actor="test", target="<s1@x>")
        other.record("mail.sent", actor="test", target="<s2@x>")  # joins the session instead of waiting on its lock
        with other.session():
            other.record("mail.sent", actor="test", target="<s3@x>")
        trail.sync()
        assert trail.verify().ok and trail.head()[0] == 8  # each line is in the file and anchored at once
    trail.record("mail.sent", actor="test", target="<s4@x>")
    verdict = trail.verify()
    assert verdict.ok and verdict.lines == 9
    assert [e["seq"] for e in trail.events()] == list(range(1, 10))


KILLED_IN_SESSION = """
import os, signal, sys
from pathlib import Path
from toolkit.audit import AuditTrail

trail = AuditTrail(Path(sys.argv[1]))
with trail.session():
    for n in range(3):
        trail.record("mail.sent", actor="kind", target=f"<k{n}@x>")
    behind = trail.anchor.head_path.read_bytes()
    trail.record("mail.sent", actor="kind", target="<k3@x>")
    trail.anchor.head_path.write_bytes(behind)  # as if killed after the line, before the anchor was overwritten
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_session_killed_mid_batch_verifies_and_the_next_session_goes_on(trail: AuditTrail) -> None:
    """SIGKILL inside a session, between a line and its anchor: verify passes, the lock is gone, the next run chains on."""
    repo = Path(__file__).resolve().parent.parent
    child = subprocess.run(
        [sys.executable, "-c", KILLED_IN_SESSION, str(trail.path)],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    verdict = trail.verify()
    assert verdict.ok and verdict.lines == 9, verdict
    with trail.session():
        trail.record("mail.sent", actor="test", target="<na@x>")
    verdict = trail.verify()
    assert verdict.ok and verdict.lines == 10, verdict
    assert not json.loads(trail.anchor.head_path.read_bytes())["breaks"]


def test_verify_names_no_line_when_trail_and_anchor_are_both_empty(tmp_path: Path) -> None:
    """A workspace that never ran: nothing to check, nothing wrong."""
    verdict = AuditTrail(tmp_path / "audit.jsonl").verify()
    assert verdict.ok and verdict.lines == 0


def _delete(path: Path) -> None:
    path.unlink()


def _delete_with_state(path: Path) -> None:
    path.unlink()
    for part in ("", "-wal", "-shm"):
        Path(f"{path.parent / 'state.sqlite'}{part}").unlink(missing_ok=True)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncate(path: Path) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in path.read_bytes().splitlines()[:-3]))


def _reorder(path: Path) -> None:
    content = path.read_bytes().splitlines()
    content[2], content[3] = content[3], content[2]
    path.write_bytes(b"".join(line + b"\n" for line in content))


def _edit(path: Path) -> None:
    content = path.read_bytes().splitlines()
    event = json.loads(content[1])
    event["target"] = "vervalst"
    content[1] = json.dumps(event, ensure_ascii=False, sort_keys=True).encode("utf-8")
    path.write_bytes(b"".join(line + b"\n" for line in content))


def _rechain(path: Path) -> None:
    events = [json.loads(line) for line in path.read_bytes().splitlines()]
    del events[1]
    path.write_bytes(b"".join(line + b"\n" for line in rechain(events)))


def _cut_and_rechain(path: Path) -> None:
    events = [json.loads(line) for line in path.read_bytes().splitlines()][:-3]
    path.write_bytes(b"".join(line + b"\n" for line in rechain(events)))


TAMPERING = {
    "verwijderd": _delete,
    "verwijderd-met-toestand": _delete_with_state,
    "leeggemaakt": _empty,
    "ingekort": _truncate,
    "verwisseld": _reorder,
    "bewerkt": _edit,
    "opnieuw-geketend": _rechain,
    "ingekort-en-opnieuw-geketend": _cut_and_rechain,
}


@pytest.mark.slow
@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_tampering_is_reported_after_one_and_after_three_ordinary_nightly_runs(
    how: str, tmp_path: Path, run_cli
) -> None:
    """Tamper with the trail of a demo workspace, run nightly once and then twice more: verify fails every time."""
    root = tmp_path / "ws"
    assert run_cli("--as-of", DAY, "init", str(root), "--demo").exit_code == 0
    config = str(root / "config.toml")
    assert run_cli("--config", config, "--as-of", DAY, "nightly", env=SECRETS).exit_code == 0
    assert run_cli("--config", config, "audit", "verify").exit_code == 0
    TAMPERING[how](root / ".integrity" / "audit.jsonl")
    for runs in (1, 3):
        while runs_done(root) < runs:
            night = run_cli("--config", config, "--as-of", DAY, "nightly", env=SECRETS)
            # an ordinary run appends to the trail; with the trail gone it is refused (exit 8) until it is restored
            assert night.exit_code == (8 if how.startswith("verwijderd") else 0), night.output + night.stderr
            bump(root)
        verify = run_cli("--config", config, "audit", "verify")
        assert verify.exit_code == 1, f"{how}, na {runs} run(s): {verify.output}"
        assert "Logboek intact" not in verify.output and "niet intact" in verify.output


def runs_done(root: Path) -> int:
    counter = root / "runs-na-knoeien"
    return int(counter.read_text()) if counter.exists() else 0


def bump(root: Path) -> None:
    (root / "runs-na-knoeien").write_text(str(runs_done(root) + 1))
