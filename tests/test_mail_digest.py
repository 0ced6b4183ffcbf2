"""The one outbound mail seam: a digest per recipient and purpose, one ledger for exactly-once, exit 6, ✓ only if sent.

Real folder-backend workspaces, real MIME in the outbox, the real CLI.
"""

from __future__ import annotations

import email
import email.policy
from datetime import date
from pathlib import Path

import pytest

from toolkit.config import load_config
from toolkit.mail.digest import combine
from toolkit.mail.message import OutgoingMail
from toolkit.plan import CellChange, Plan, apply_plan, preview_mails
from toolkit.workspace import Workspace

TODAY = date(2027, 1, 10)


@pytest.fixture
def root(tmp_path: Path, run_cli) -> Path:
    path = tmp_path / "ws"
    assert run_cli("--as-of", "2026-11-26", "init", str(path), "--demo").exit_code == 0
    return path


def outbox(root: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((root / "mail" / "outbox").glob("*.eml"))
    ]


def finding(n: int, to: str = "manager@woonpartners.example", purpose: str = "bevinding") -> OutgoingMail:
    return OutgoingMail(f"{purpose}:{n}", purpose, (to,), f"Bevinding {n}", f"Tekst van bevinding {n}.\n")


def test_combine_makes_one_digest_per_recipient_and_purpose() -> None:
    """Three mails to one manager become one covering all three; another recipient or purpose stays apart."""
    mails = [finding(1), finding(2), finding(3, to="Manager@Woonpartners.example"), finding(4, to="ander@x.example")]
    mails.append(finding(5, purpose="herinnering"))
    out = combine(mails)
    assert len(out) == 3
    digest = out[0]
    assert digest.covers == ("bevinding:1", "bevinding:2", "bevinding:3")
    assert all(f"Tekst van bevinding {n}." in digest.text for n in (1, 2, 3))
    assert digest.subject == "Bevinding 1 (en 2 meer)"
    assert out[1] is mails[3] and out[2] is mails[4], "a mail alone for its recipient is left exactly as it was"


def test_apply_sends_a_digest_once_and_later_only_new_items(root: Path) -> None:
    """One digest for two items; rerun sends nothing; a third item later goes alone, never the first two again."""
    ws = Workspace(load_config(root / "config.toml"), TODAY)
    try:
        first = apply_plan(ws, Plan(mails=(finding(1), finding(2))))
        assert first.sent == 1 and {"bevinding:1", "bevinding:2"} <= first.delivered
        again = apply_plan(ws, Plan(mails=(finding(1), finding(2))))
        assert again.sent == 0
        assert preview_mails(ws, Plan(mails=(finding(1), finding(2), finding(3)))) == [finding(3)]
        later = apply_plan(ws, Plan(mails=(finding(1), finding(2), finding(3))))
        assert later.sent == 1
    finally:
        ws.close()
    bodies = [m.get_body(("plain",)).get_content() for m in outbox(root) if m["To"] == "manager@woonpartners.example"]
    assert len(bodies) == 2
    assert sum(body.count("Tekst van bevinding 1.") for body in bodies) == 1
    assert "Tekst van bevinding 3." in bodies[1] and "bevinding 1" not in bodies[1]


def test_a_digest_killed_after_sending_is_settled_not_repeated(root: Path) -> None:
    """A digest marked sending and in the outbox (killed before 'sent') counts; its items don't go again."""
    ws = Workspace(load_config(root / "config.toml"), TODAY)
    try:
        digest = combine([finding(1), finding(2)])[0]
        mailer = ws.mailer()
        mailer.state.mark_sending(digest.key, digest.message_id("woonpartners.example"), digest.purpose, digest.items)
        from toolkit.mail.message import build_message

        raw = build_message(digest, ws.config.mail.sender, "Integriteit").as_bytes()
        ws.backend.send(raw, digest.message_id("woonpartners.example"), list(digest.to))  # then the process died
        applied = apply_plan(ws, Plan(mails=(finding(1), finding(2), finding(3))))
        assert applied.sent == 1
    finally:
        ws.close()
    texts = [m.get_body(("plain",)).get_content() for m in outbox(root)]
    assert sum(t.count("Tekst van bevinding 1.") for t in texts) == 1
    assert sum(t.count("Tekst van bevinding 3.") for t in texts) == 1


def test_cells_after_a_mail_are_written_only_when_it_went(root: Path) -> None:
    """A cell marked after=<mail> is written when that mail (inside a digest) was delivered, not otherwise."""
    from toolkit.registers.reader import read_register
    from toolkit.registers.schema import SUPPLIERS

    ws = Workspace(load_config(root / "config.toml"), TODAY)
    try:
        table = read_register(ws.register_path(SUPPLIERS), SUPPLIERS)
        nr = table.rows[0].nr
        plan = Plan(
            cells=(
                CellChange(SUPPLIERS.key, "Status", "vraag", nr=nr, after="bevinding:1"),
                CellChange(SUPPLIERS.key, "Herinneringen", 2, nr=nr, after="niet-in-dit-plan"),
            ),
            mails=(finding(1), finding(2)),
        )
        applied = apply_plan(ws, plan)
        assert applied.cells_changed == 1
        row = next(r for r in read_register(ws.register_path(SUPPLIERS), SUPPLIERS).rows if r.nr == nr)
        assert row.get("Status") == "vraag" and row.get("Herinneringen") != 2
    finally:
        ws.close()


def _break_outbox(root: Path) -> None:
    """The folder backend's outbox replaced by a file: every send fails with a disk error."""
    outbox_dir = root / "mail" / "outbox"
    for item in outbox_dir.iterdir():
        item.unlink()
    outbox_dir.rmdir()
    outbox_dir.write_text("geen map")


@pytest.mark.parametrize(
    "args",
    [
        ("--as-of", "2027-01-10", "suppliers", "mail", "--send"),
        ("--as-of", "2026-12-01", "monthly", "--send"),
        ("--as-of", "2026-11-26", "gifts", "check", "--notify", "--send"),
    ],
    ids=lambda args: " ".join(args[2:]),
)
def test_a_mail_failure_exits_6(root: Path, run_cli, args: tuple[str, ...]) -> None:
    """A command whose mail could not be sent exits with ExitCode.MAIL (6), not 1."""
    _break_outbox(root)
    result = run_cli("--config", str(root / "config.toml"), *args)
    assert result.exit_code == 6, result.output + result.stderr


def test_onboarding_send_with_every_mail_failing_shows_no_tick(root: Path, run_cli) -> None:
    """When every welcome fails, `onboarding send --send` prints ✗ and no '✓ 0 … verstuurd' (exit 6)."""
    _break_outbox(root)
    result = run_cli("--config", str(root / "config.toml"), "--as-of", "2026-11-26", "onboarding", "send", "--send")
    assert result.exit_code == 6, result.output
    assert "✓ 0" not in result.output and "✗ Geen welkomstbericht verstuurd" in result.output


def big_finding(n: int, chars: int) -> OutgoingMail:
    text = f"Tekst van bevinding {n}. " + "x" * chars + "\n"
    return OutgoingMail(f"bevinding:{n}", "bevinding", ("manager@woonpartners.example",), f"Bevinding {n}", text)


def test_a_digest_too_large_to_send_goes_as_parts_that_cover_every_item_once() -> None:
    """Ten mails of 300,000 characters to one manager: four digests of at most DIGEST_MAX_CHARS ('deel 1 van 4'),
    together covering each item exactly once, in order; the same group under the limit stays one digest."""
    from toolkit.mail.digest import DIGEST_MAX_CHARS

    mails = [big_finding(n, 300_000) for n in range(10)]
    parts = combine(mails)
    assert len(parts) == 4
    assert [p.subject for p in parts] == [
        "Bevinding 0 (en 2 meer) (deel 1 van 4)",
        "Bevinding 3 (en 2 meer) (deel 2 van 4)",
        "Bevinding 6 (en 2 meer) (deel 3 van 4)",
        "Bevinding 9 (deel 4 van 4)",
    ]
    assert all(len(p.text) + len(p.html or "") <= DIGEST_MAX_CHARS for p in parts)
    covered = [item for p in parts for item in p.covers]
    assert covered == [m.key for m in mails], "every item in exactly one part, in order"
    assert len({p.key for p in parts}) == 4
    small = combine([big_finding(n, 1_000) for n in range(10)])
    assert len(small) == 1 and small[0].subject == "Bevinding 0 (en 9 meer)"


def test_digest_parts_are_sent_once_and_each_fits_graphs_sendmail(root: Path) -> None:
    """The parts go out once each (a rerun sends nothing), and every .eml, base64-encoded as Graph's sendMail
    takes it, stays under 4 MB."""
    import base64

    from toolkit.mail.graph_http import SENDMAIL_LIMIT

    mails = tuple(big_finding(n, 300_000) for n in range(10))
    ws = Workspace(load_config(root / "config.toml"), TODAY)
    try:
        first = apply_plan(ws, Plan(mails=mails))
        again = apply_plan(ws, Plan(mails=mails))
    finally:
        ws.close()
    assert first.sent == 4 and again.sent == 0
    sent = sorted((root / "mail" / "outbox").glob("*.eml"))
    to_manager = [p for p in sent if b"manager@woonpartners.example" in p.read_bytes()]
    assert len(to_manager) == 4
    assert all(len(base64.b64encode(p.read_bytes())) < SENDMAIL_LIMIT for p in to_manager)
    bodies = "".join(
        m.get_body(("plain",)).get_content() for m in outbox(root) if m["To"] == "manager@woonpartners.example"
    )
    assert all(bodies.count(f"Tekst van bevinding {n}.") == 1 for n in range(10))
