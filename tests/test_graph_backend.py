"""The Graph mail backend against the loopback Graph server: real msal and requests over HTTPS on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.loopback.graph import GraphServer
from tests.loopback.store import INBOX, SENT, header_message_id
from toolkit.errors import MailError
from toolkit.mail.backend import InboundRef
from toolkit.mail.graph import GraphBackend, GraphSettings

MAILBOX = "integriteit@woonpartners.example"
REPORTS = "meldingen@woonpartners.example"
TENANT = "7c1d0e52-woonpartners"
CLIENT = "a9f3-integrity-toolkit"
SECRET = "s3cr3t-Voor-De-Test"


class DictState:
    """A KeyValueStore in memory, shared between backend instances like the toolkit's state file."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


@pytest.fixture
def server(tmp_path: Path) -> Iterator[GraphServer]:
    with GraphServer(tmp_path / "store", TENANT, CLIENT, SECRET, mailboxes=(MAILBOX, REPORTS)) as srv:
        yield srv


@pytest.fixture
def settings(server: GraphServer) -> GraphSettings:
    return GraphSettings(
        tenant_id=TENANT,
        client_id=CLIENT,
        mailbox=MAILBOX,
        processed_folder="Verwerkt",
        authority=server.authority,
        graph_url=server.graph_url,
        reports_mailbox=REPORTS,
        max_retries=3,
        max_wait_seconds=10.0,
        ca_bundle=str(server.ca_file),
    )


@pytest.fixture
def state() -> DictState:
    return DictState()


@pytest.fixture
def backend(settings: GraphSettings, state: DictState) -> Iterator[GraphBackend]:
    with GraphBackend(settings, SECRET, state) as b:
        yield b


def outgoing(message_id: str, to: str = "jan.jansen@woonpartners.example", extra: str = "") -> bytes:
    return (
        f"Message-ID: {message_id}\r\nDate: Mon, 01 Dec 2025 09:00:00 +0100\r\n"
        f"From: Integriteit <{MAILBOX}>\r\nTo: {to}\r\n{extra}Subject: Integriteitscode\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBeste leverancier,\r\n"
    ).encode()


def inbound(n: int) -> bytes:
    return (
        f"Message-ID: <reply-{n}@leverancier.example>\r\nFrom: info@leverancier.example\r\nTo: {MAILBOX}\r\n"
        f"Subject: RE: Integriteitscode {n}\r\nContent-Type: text/plain; charset=iso-8859-1\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\nGelezen en akkoord, caf\xe9.\r\n"
    ).encode("latin-1")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def count_requests(server: GraphServer, text: str) -> int:
    return sum(1 for _, path in server.requests if text in path)


def mail_error(settings: GraphSettings, call: Callable[[GraphBackend], object], secret: str = SECRET) -> str:
    """Run one call on a fresh backend and return the MailError's text (failing if none is raised)."""
    with GraphBackend(settings, secret, None) as backend, pytest.raises(MailError) as caught:
        call(backend)
    return str(caught.value)


# --- sending ---------------------------------------------------------------------------------------------------


def test_send_keeps_message_id_in_sent_items_and_delivers_locally(backend: GraphBackend, server: GraphServer) -> None:
    """send() stores a Sent Items copy with our Message-ID and delivers to the local recipient's Inbox."""
    raw = outgoing("<mailing-2025-001@woonpartners.example>")
    backend.send(raw, "<mailing-2025-001@woonpartners.example>", ["jan.jansen@woonpartners.example"])
    sent = server.store.all_messages(MAILBOX, SENT)
    assert [header_message_id(m) for m in sent] == ["<mailing-2025-001@woonpartners.example>"]
    assert sent[0] == raw
    assert server.store.all_messages("jan.jansen@woonpartners.example", INBOX) == [raw]


def test_send_adds_recipients_missing_from_headers_as_bcc(backend: GraphBackend, server: GraphServer) -> None:
    """A recipient given to send() but absent from To/Cc reaches its Inbox, without a visible Bcc header."""
    raw = outgoing("<bcc-1@woonpartners.example>")
    backend.send(raw, "<bcc-1@woonpartners.example>", ["jan.jansen@woonpartners.example", "hr@woonpartners.example"])
    copies = server.store.all_messages("hr@woonpartners.example", INBOX)
    assert len(copies) == 1
    assert b"bcc:" not in copies[0].lower()
    assert header_message_id(copies[0]) == "<bcc-1@woonpartners.example>"


def test_was_sent_only_for_message_ids_in_sent_items(backend: GraphBackend) -> None:
    """was_sent() is false before sending, true after, and handles a quote inside the Message-ID."""
    message_id = "<o'brien-7@woonpartners.example>"
    assert backend.was_sent(message_id) is False
    backend.send(outgoing(message_id), message_id, ["jan.jansen@woonpartners.example"])
    assert backend.was_sent(message_id) is True
    assert backend.was_sent("<other@woonpartners.example>") is False


def test_too_large_message_is_refused_before_sending(backend: GraphBackend, server: GraphServer) -> None:
    """A message over Graph's 4 MB sendMail limit raises MailError and sends nothing."""
    big = outgoing("<big@woonpartners.example>") + b"x" * (3_200_000)
    with pytest.raises(MailError, match="te groot"):
        backend.send(big, "<big@woonpartners.example>", ["jan.jansen@woonpartners.example"])
    assert count_requests(server, "sendMail") == 0
    assert server.store.all_messages(MAILBOX, SENT) == []


def test_reset_during_send_raises_instead_of_sending_twice(backend: GraphBackend, server: GraphServer) -> None:
    """A connection dropped during sendMail is a MailError (the caller checks was_sent), not a blind resend."""
    server.faults.push("reset", path_contains="sendMail")
    with pytest.raises(MailError, match=r"\[mail.graph\] graph_url"):
        backend.send(outgoing("<reset@woonpartners.example>"), "<reset@woonpartners.example>", [])
    assert count_requests(server, "sendMail") == 1


# --- receiving -------------------------------------------------------------------------------------------------


def test_inbound_list_fetch_move_cycle(backend: GraphBackend, server: GraphServer) -> None:
    """Inbound mail is listed oldest first, fetched byte for byte, moved to Verwerkt under the Inbox, never deleted."""
    raws = [inbound(n) for n in range(3)]
    for raw in raws:
        server.store.deliver(MAILBOX, raw)
    refs = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in refs] == raws
    backend.move_processed(refs[0])
    assert backend.list_new() == refs[1:]
    assert server.store.all_messages(MAILBOX, "Verwerkt") == raws[:1]
    assert server.store.all_messages(MAILBOX, INBOX) == raws[1:]
    assert server.parent_of(MAILBOX, "Verwerkt") == INBOX


def test_delta_link_is_reused_and_sees_new_mail(backend: GraphBackend, server: GraphServer, state: DictState) -> None:
    """The second list_new follows the stored delta link: moved mail is gone, newly arrived mail appears."""
    server.store.deliver(MAILBOX, inbound(1))
    first = backend.list_new()
    backend.move_processed(first[0])
    link = state.get(f"graph.delta_link.{MAILBOX}")
    assert link is not None and "$deltatoken=" in link
    server.store.deliver(MAILBOX, inbound(2))
    second = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in second] == [inbound(2)]
    assert count_requests(server, "$deltatoken=") == 1


def test_listed_but_unprocessed_mail_is_listed_again_after_restart(
    settings: GraphSettings, server: GraphServer, state: DictState
) -> None:
    """A message listed but not moved (a crash in between) is listed again by a new backend on the same state."""
    server.store.deliver(MAILBOX, inbound(1))
    with GraphBackend(settings, SECRET, state) as first:
        refs = first.list_new()
    with GraphBackend(settings, SECRET, state) as second:
        assert second.list_new() == refs
    assert count_requests(server, "$deltatoken=") == 1


def test_delta_with_many_pages(backend: GraphBackend, server: GraphServer) -> None:
    """More messages than one delta page (10) are all listed, in delivery order."""
    raws = [inbound(n) for n in range(23)]
    for raw in raws:
        server.store.deliver(MAILBOX, raw)
    refs = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in refs] == raws
    assert count_requests(server, "$skiptoken=") == 2


def test_expired_delta_link_falls_back_to_full_sync(backend: GraphBackend, server: GraphServer) -> None:
    """When the server forgot the sync state (410 Gone), list_new starts a new full delta round."""
    server.store.deliver(MAILBOX, inbound(1))
    refs = backend.list_new()
    server.forget_delta_tokens()
    server.store.deliver(MAILBOX, inbound(2))
    again = backend.list_new()
    assert again[0] == refs[0]
    assert [backend.fetch_raw(ref) for ref in again] == [inbound(1), inbound(2)]


def test_plain_listing_when_delta_is_refused(backend: GraphBackend, server: GraphServer) -> None:
    """A mailbox that refuses delta queries is listed with a plain paged messages listing."""
    server.delta_supported = False
    raws = [inbound(n) for n in range(3)]
    for raw in raws:
        server.store.deliver(MAILBOX, raw)
    refs = backend.list_new()
    assert [backend.fetch_raw(ref) for ref in refs] == raws
    backend.move_processed(refs[1])
    assert [backend.fetch_raw(ref) for ref in backend.list_new()] == [raws[0], raws[2]]


def test_existing_top_level_processed_folder_is_used(backend: GraphBackend, server: GraphServer) -> None:
    """A 'Verwerkt' folder that already exists at the top level is used; no second one is made."""
    server.store.create_folder(MAILBOX, "Verwerkt")
    server.store.deliver(MAILBOX, inbound(1))
    backend.move_processed(backend.list_new()[0])
    assert server.store.all_messages(MAILBOX, "Verwerkt") == [inbound(1)]
    assert server.parent_of(MAILBOX, "Verwerkt") == ""
    assert not any(method == "POST" and "childFolders" in path for method, path in server.requests)


def test_reports_mailbox_is_listed_and_moved_separately(backend: GraphBackend, server: GraphServer) -> None:
    """list_new('reports') reads the reports mailbox and moves within it."""
    server.store.deliver(REPORTS, inbound(9))
    server.store.deliver(MAILBOX, inbound(1))
    refs = backend.list_new("reports")
    assert [r.mailbox for r in refs] == ["reports"]
    assert backend.fetch_raw(refs[0]) == inbound(9)
    backend.move_processed(refs[0])
    assert server.store.all_messages(REPORTS, "Verwerkt") == [inbound(9)]
    assert server.store.all_messages(MAILBOX, INBOX) == [inbound(1)]


def test_reports_mailbox_not_configured_names_the_setting(settings: GraphSettings) -> None:
    """Without reports_mailbox, list_new('reports') raises MailError naming [mail.graph] reports_mailbox."""
    text = mail_error(replace(settings, reports_mailbox=None), lambda b: b.list_new("reports"))
    assert "[mail.graph] reports_mailbox" in text


def test_moving_a_vanished_message_raises_mail_error(backend: GraphBackend) -> None:
    """Moving a message id that no longer exists is a MailError, not a traceback."""
    server_id = "msg-SW5ib3gAbm9uZQ"  # Inbox / key 'none'
    with pytest.raises(MailError, match="HTTP 404"):
        backend.move_processed(InboundRef("inbox", server_id))


# --- retries ---------------------------------------------------------------------------------------------------


def test_429_and_503_with_retry_after_are_retried(backend: GraphBackend, server: GraphServer) -> None:
    """A 429 and a 503 with Retry-After: 1 are waited out, then the request succeeds."""
    server.store.deliver(MAILBOX, inbound(1))
    ref = backend.list_new()[0]
    server.faults.push("http_429", path_contains="/$value")
    server.faults.push("http_503", path_contains="/$value")
    started = time.monotonic()
    assert backend.fetch_raw(ref) == inbound(1)
    assert time.monotonic() - started >= 2.0
    assert count_requests(server, "/$value") == 3


def test_throttling_beyond_max_retries_raises_mail_error(settings: GraphSettings, server: GraphServer) -> None:
    """More 429s than max_retries allows end in a MailError that names the setting to raise."""
    server.faults.push("http_429", count=5, path_contains="sentitems")
    text = mail_error(replace(settings, max_retries=1), lambda b: b.was_sent("<x@woonpartners.example>"))
    assert "max_retries" in text
    assert count_requests(server, "sentitems") == 2


def test_retry_after_beyond_max_wait_fails_without_waiting(settings: GraphSettings, server: GraphServer) -> None:
    """A Retry-After longer than max_wait_seconds raises MailError at once instead of sleeping."""
    server.faults.push("http_503", path_contains="sentitems", retry_after=120)
    started = time.monotonic()
    text = mail_error(replace(settings, max_wait_seconds=5.0), lambda b: b.was_sent("<x@woonpartners.example>"))
    assert "max_wait_seconds" in text
    assert time.monotonic() - started < 3.0


def test_401_refreshes_the_token_once(backend: GraphBackend, server: GraphServer) -> None:
    """An expired token (401) makes the backend fetch a new token and retry once."""
    assert backend.was_sent("<a@woonpartners.example>") is False
    tokens_before = server.token_requests
    server.revoke_tokens()
    assert backend.was_sent("<a@woonpartners.example>") is False
    assert server.token_requests == tokens_before + 1


def test_repeated_401_raises_mail_error(backend: GraphBackend, server: GraphServer) -> None:
    """A 401 that persists after a fresh token is a MailError about the app's permissions."""
    server.faults.push("http_401", count=2, path_contains="sentitems")
    with pytest.raises(MailError, match="Mail.ReadWrite"):
        backend.was_sent("<a@woonpartners.example>")


def test_dropped_connection_on_a_read_is_retried(backend: GraphBackend, server: GraphServer) -> None:
    """A connection reset while fetching a message is retried and the bytes still arrive intact."""
    server.store.deliver(MAILBOX, inbound(1))
    ref = backend.list_new()[0]
    server.faults.push("reset", path_contains="/$value")
    assert backend.fetch_raw(ref) == inbound(1)
    assert server.faults.pending() == 0


# --- configuration errors --------------------------------------------------------------------------------------


def test_check_describes_both_mailboxes(backend: GraphBackend, server: GraphServer) -> None:
    """check() signs in, reads both Inboxes and reports their message counts."""
    server.store.deliver(MAILBOX, inbound(1))
    description = backend.check()
    assert f"{MAILBOX}: 1 berichten" in description
    assert f"{REPORTS}: 0 berichten" in description


def test_wrong_secret_names_client_id_and_secret_variable(settings: GraphSettings) -> None:
    """A wrong client secret is a MailError naming [mail.graph] client_id and INTEGRITY_GRAPH_CLIENT_SECRET."""
    text = mail_error(settings, lambda b: b.check(), secret="not-the-secret")
    assert "[mail.graph] client_id" in text
    assert "INTEGRITY_GRAPH_CLIENT_SECRET" in text
    assert "not-the-secret" not in text


def test_unknown_client_id_names_client_id(settings: GraphSettings) -> None:
    """An app id the tenant doesn't know is a MailError naming [mail.graph] client_id."""
    text = mail_error(replace(settings, client_id="other-app"), lambda b: b.check())
    assert "[mail.graph] client_id = 'other-app'" in text


def test_unknown_tenant_names_tenant_id(settings: GraphSettings, server: GraphServer) -> None:
    """A tenant the authority doesn't know is a MailError naming [mail.graph] tenant_id."""
    other = replace(settings, authority=f"{server.base_url}/no-such-tenant")
    text = mail_error(other, lambda b: b.check())
    assert "[mail.graph] tenant_id" in text


def test_closed_authority_port_names_authority(settings: GraphSettings) -> None:
    """An authority nobody listens on is a MailError naming [mail.graph] authority."""
    port = closed_port()
    dead = replace(settings, authority=f"https://127.0.0.1:{port}/{TENANT}", graph_url=f"https://127.0.0.1:{port}/v1.0")
    text = mail_error(dead, lambda b: b.check())
    assert "[mail.graph] authority" in text


def test_closed_graph_port_names_graph_url(settings: GraphSettings) -> None:
    """A graph_url nobody listens on (sign-in works) is a MailError naming [mail.graph] graph_url."""
    dead = replace(settings, graph_url=f"https://127.0.0.1:{closed_port()}/v1.0")
    text = mail_error(dead, lambda b: b.list_new())
    assert "[mail.graph] graph_url" in text


def test_plain_http_authority_is_refused_with_the_setting_named(settings: GraphSettings, server: GraphServer) -> None:
    """An http:// authority (msal accepts only https) is a MailError naming [mail.graph] authority, no request made."""
    text = mail_error(replace(settings, authority=f"http://127.0.0.1:{server.port}/{TENANT}"), lambda b: b.check())
    assert "[mail.graph] authority" in text and "https://" in text
    assert server.requests == []


def test_untrusted_certificate_names_ca_bundle(settings: GraphSettings) -> None:
    """Without the CA in ca_bundle the TLS check fails with a MailError naming [mail.graph] ca_bundle."""
    text = mail_error(replace(settings, ca_bundle=None), lambda b: b.check())
    assert "[mail.graph] ca_bundle" in text


def test_unknown_mailbox_names_mailbox_setting(settings: GraphSettings) -> None:
    """A mailbox Graph doesn't know is a MailError naming [mail.graph] mailbox."""
    text = mail_error(replace(settings, mailbox="niemand@woonpartners.example"), lambda b: b.check())
    assert "[mail.graph] mailbox" in text


def test_default_authority_gets_the_tenant_appended() -> None:
    """The default authority host becomes https://login.microsoftonline.com/<tenant_id>; a full one is kept."""
    plain = GraphSettings("t-1", "c", MAILBOX, "Verwerkt")
    assert plain.authority_url == "https://login.microsoftonline.com/t-1"
    assert plain.scope == "https://graph.microsoft.com/.default"
    assert replace(plain, authority="https://login.microsoftonline.us/t-2/").authority_url.endswith("/t-2")


def test_importing_the_backend_loads_neither_msal_nor_requests() -> None:
    """toolkit.mail.graph imports msal and requests lazily, so start-up stays light."""
    code = "import sys, toolkit.mail.graph; print('msal' in sys.modules, 'requests' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]


def test_move_to_a_folder_of_its_own(backend: GraphBackend, server: GraphServer) -> None:
    """move_processed(folder=…) moves to that folder under the Inbox (created), not to Verwerkt; never deletes."""
    raw = inbound(7)
    server.store.deliver(MAILBOX, raw)
    [ref] = backend.list_new()
    backend.move_processed(ref, folder="Geen melding")
    assert server.store.all_messages(MAILBOX, "Geen melding") == [raw]
    assert server.parent_of(MAILBOX, "Geen melding") == INBOX
    assert server.store.all_messages(MAILBOX, "Verwerkt") == []
