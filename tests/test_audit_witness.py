"""The audit trail's head rides along in every mail to the integrity officer, so a laundered trail shows there."""

from __future__ import annotations

import email
import hashlib
import shutil
from email.policy import default
from pathlib import Path

from toolkit.audit_witness import HEADER, parse

DAY = "2026-11-26"
SECRETS = {"INTEGRITY_REPORTS_PASSWORD": "demo-meldingen", "INTEGRITY_IDENTITY_PASSWORD": "demo-identiteit"}


def mails_to(root: Path, role: str) -> list[email.message.EmailMessage]:
    import tomllib

    address = tomllib.loads((root / "config.toml").read_text(encoding="utf-8"))["organisation"][role]
    mails = [email.message_from_bytes(p.read_bytes(), policy=default) for p in (root / "mail" / "outbox").glob("*.eml")]
    return [m for m in mails if address.lower() in str(m["To"]).lower()]


def officer_mails(root: Path) -> list[email.message.EmailMessage]:
    return mails_to(root, "integrity_officer")


def assert_witness_holds(root: Path, config: str, mail: email.message.EmailMessage, run_cli) -> None:
    """The head in the mail names a line of audit.jsonl as it is, and `audit verify --witness` agrees."""
    trail = (root / ".integrity" / "audit.jsonl").read_bytes().splitlines()
    head = parse(str(mail[HEADER]))
    assert head is not None, mail["Subject"]
    lines, digest = head
    assert 0 < lines <= len(trail) and hashlib.sha256(trail[lines - 1]).hexdigest() == digest
    assert f"--witness {lines}:{digest}" in mail.get_body(("plain",)).get_content()
    verify = run_cli("--config", config, "audit", "verify", "--witness", f"{lines}:{digest}")
    assert verify.exit_code == 0 and "1 kop uit mails gevonden" in verify.output, verify.output


def demo_night(tmp_path: Path, run_cli) -> tuple[Path, str]:
    root = tmp_path / "ws"
    assert run_cli("--as-of", DAY, "init", str(root), "--demo").exit_code == 0
    config = str(root / "config.toml")
    night = run_cli("--config", config, "--as-of", DAY, "nightly", env=SECRETS)
    assert night.exit_code == 0, night.output
    return root, config


def test_every_mail_to_the_officer_carries_the_head_audit_verify_confirms(tmp_path: Path, run_cli) -> None:
    """Header and footer carry N:SHA256 of line N of audit.jsonl as it was sent; `audit verify --witness` agrees."""
    root, config = demo_night(tmp_path, run_cli)
    mails = officer_mails(root)
    assert mails, "the demo night mails the integrity officer"
    for mail in mails:
        assert_witness_holds(root, config, mail, run_cli)
    trail = (root / ".integrity" / "audit.jsonl").read_bytes().splitlines()
    plain = run_cli("--config", config, "audit", "verify")
    assert f"Kop nu: {len(trail)}:{hashlib.sha256(trail[-1]).hexdigest()}" in plain.output


def test_the_monthly_digest_carries_the_head_and_hr_mail_otherwise_not(tmp_path: Path, run_cli) -> None:
    """The monthly digest (to HR, every month) carries the head; mail to staff, managers and suppliers does not."""
    root, config = demo_night(tmp_path, run_cli)
    monthly = run_cli("--config", config, "--as-of", DAY, "monthly", "--send", env=SECRETS)
    assert monthly.exit_code == 0, monthly.output
    (digest,) = [m for m in mails_to(root, "hr") if "maand" in str(m["Subject"]).lower()]
    assert_witness_holds(root, config, digest, run_cli)
    witnessed = {str(m["Message-ID"]) for m in [*officer_mails(root), digest]}
    everything = [
        email.message_from_bytes(p.read_bytes(), policy=default) for p in (root / "mail" / "outbox").glob("*.eml")
    ]
    others = [m for m in everything if str(m["Message-ID"]) not in witnessed]
    assert others and all(m[HEADER] is None for m in others)


def test_a_trail_laundered_with_its_anchor_is_caught_by_the_head_in_the_mailbox(
    tmp_path: Path, run_cli, audit_anchor_dir: Path
) -> None:
    """Trail, state and anchor folder replaced, then an ordinary night: verify alone says intact, the mail does not."""
    root, config = demo_night(tmp_path, run_cli)
    head = parse(str(officer_mails(root)[-1][HEADER]))
    assert head is not None
    witness = f"{head[0]}:{head[1]}"
    (root / ".integrity" / "audit.jsonl").unlink()
    for part in ("", "-wal", "-shm"):
        Path(f"{root / '.integrity' / 'state.sqlite'}{part}").unlink(missing_ok=True)
    shutil.rmtree(audit_anchor_dir)
    audit_anchor_dir.mkdir()
    assert run_cli("--config", config, "--as-of", DAY, "nightly", env=SECRETS).exit_code == 0
    assert "Logboek intact" in run_cli("--config", config, "audit", "verify").output  # what the anchor alone can't see
    caught = run_cli("--config", config, "audit", "verify", "--witness", witness)
    assert caught.exit_code == 1 and "niet intact" in caught.output, caught.output
    assert "Logboek intact" not in caught.output


def test_a_witness_that_is_not_a_head_is_refused_in_dutch(tmp_path: Path, run_cli) -> None:
    """`--witness` takes N:SHA256 as printed under the mail; anything else is a usage error, not a pass."""
    root, config = demo_night(tmp_path, run_cli)
    result = run_cli("--config", config, "audit", "verify", "--witness", "12:abc")
    assert result.exit_code == 2 and "geen kop" in result.output
