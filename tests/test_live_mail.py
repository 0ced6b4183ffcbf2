"""Opt-in live test: one message to itself through a real Exchange (EWS) or Microsoft 365 (Graph) mailbox.

Runs only with `pytest -m live` and INTEGRITY_LIVE_CONFIG set to the config.toml of a workspace whose [mail]
section names the real backend (exchange or graph); the secret comes from INTEGRITY_EXCHANGE_PASSWORD or
INTEGRITY_GRAPH_CLIENT_SECRET (or the keyring) as in production. The message goes to [mail] sender (the shared
mailbox itself); the test passes when its Message-ID shows up in Sent Items. The workspace's own state and audit
trail are left alone: the ledger and audit trail of this test live in a temporary folder.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import pytest

from toolkit.audit import AuditTrail
from toolkit.config import load_config
from toolkit.mail.message import OutgoingMail, domain_of
from toolkit.mail.sender import Mailer
from toolkit.state import StateStore
from toolkit.workspace import make_backend

LIVE_CONFIG = os.environ.get("INTEGRITY_LIVE_CONFIG", "")
SENT_ITEMS_WAIT = 120.0  # seconds: Sent Items can lag a little behind the send on Exchange Online

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not LIVE_CONFIG, reason="set INTEGRITY_LIVE_CONFIG (and the backend's secret) to run"),
]


def test_send_to_itself_lands_in_sent_items(tmp_path: Path) -> None:
    """A message sent to the shared mailbox through the configured backend is found in Sent Items by Message-ID."""
    config = load_config(Path(LIVE_CONFIG))
    assert config.mail.backend != "folder", "INTEGRITY_LIVE_CONFIG must name an exchange or graph backend"
    with StateStore(tmp_path / "state.sqlite") as state:
        backend = make_backend(config, state)
        mailer = Mailer(
            backend,
            state,
            AuditTrail(tmp_path / "audit.jsonl", state),
            config.mail.sender,
            "Integriteit (test)",
            "live",
        )
        run = uuid.uuid4().hex[:12]
        mail = OutgoingMail(
            key=f"live-test:{run}",
            purpose="live-test",
            to=(config.mail.sender,),
            subject=f"Testbericht integriteitstoolkit {run}",
            text="Dit is een testbericht van de integriteitstoolkit (pytest -m live). Het mag weg.\n",
        )
        assert mailer.send_all([mail]).sent == [mail.key]
        message_id = mail.message_id(domain_of(config.mail.sender))
        deadline = time.monotonic() + SENT_ITEMS_WAIT
        while not backend.was_sent(message_id):
            assert time.monotonic() < deadline, f"{message_id} niet in Verzonden items na {SENT_ITEMS_WAIT:g} s"
            time.sleep(5)
