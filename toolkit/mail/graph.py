"""The Microsoft Graph mail backend: msal (client credentials) for the token, plain requests for the mail API.

Mail goes out as raw MIME (POST /users/{mailbox}/sendMail, base64, text/plain), so our Message-ID is kept and
Exchange Online stores the copy in Sent Items. Inbound mail is found with a delta query on the Inbox; the delta
link and the set of messages still to process are kept in the toolkit's state, so a message that was listed
but not yet moved is listed again on the next run. Processed mail is moved to `processed_folder`: a child
folder of the Inbox (created there when missing); an existing top-level folder of that name is used as well.

msal and requests are imported only when a backend is made, never at toolkit start-up.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import email.utils
import json
from typing import Any
from urllib.parse import quote

from toolkit.errors import MailError
from toolkit.mail.backend import InboundRef
from toolkit.mail.graph_http import (
    SENDMAIL_LIMIT,
    GraphSettings,
    KeyValueStore,
    _DeltaUnsupported,
    _GraphSession,
    _MemoryStore,
    _odata_quote,
)


class GraphBackend:
    """MailBackend over Microsoft Graph for an Exchange Online shared mailbox (application permissions)."""

    name = "graph"

    def __init__(self, settings: GraphSettings, client_secret: str, state: KeyValueStore | None = None) -> None:
        self.settings = settings
        self._http = _GraphSession(settings, client_secret)
        self._state: KeyValueStore = state if state is not None else _MemoryStore()
        self._processed_ids: dict[str, str] = {}

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __enter__(self) -> GraphBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # addresses

    def _user_url(self, address: str) -> str:
        return f"{self.settings.graph_url.rstrip('/')}/users/{quote(address, safe='@')}"

    def _address(self, mailbox: str) -> str:
        if mailbox == "inbox":
            return self.settings.mailbox
        if mailbox == "reports":
            if not self.settings.reports_mailbox:
                raise MailError(
                    "Er is geen meldingenmailbox ingesteld voor Microsoft Graph.",
                    hint="Vul [mail.graph] reports_mailbox in config.toml in.",
                )
            return self.settings.reports_mailbox
        raise ValueError(f"unknown mailbox {mailbox!r}; expected 'inbox' or 'reports'")

    # sending

    def send(self, raw: bytes, message_id: str, recipients: list[str], *, save_copy: bool = True) -> None:
        """Send raw MIME through sendMail; Exchange keeps the copy (with our Message-ID) in Sent Items.

        Without `save_copy` the JSON form of sendMail is used with `saveToSentItems: false` (the MIME form can't
        say so): nothing of a mail to a reporter stays in the shared mailbox.
        """
        if not save_copy:
            url = f"{self._user_url(self.settings.mailbox)}/sendMail"
            payload = {"message": _json_message(raw, message_id, recipients), "saveToSentItems": False}
            self._http.request("POST", url, f"het verzenden van {message_id}", ok=(202,), json=payload)
            return
        raw = _with_all_recipients(raw, message_id, recipients)
        body = base64.b64encode(raw)
        if len(body) > SENDMAIL_LIMIT:
            raise MailError(
                f"Bericht {message_id} is te groot voor Microsoft Graph ({len(raw) / 1_048_576:.1f} MB; "
                "na base64-codering mag het hoogstens 4 MB zijn).",
                hint="Verklein of verwijder de bijlagen (bijvoorbeeld een link naar het bestand in plaats van "
                "de bijlage).",
            )
        url = f"{self._user_url(self.settings.mailbox)}/sendMail"
        what = f"het verzenden van {message_id}"
        self._http.request("POST", url, what, ok=(202,), data=body, headers={"Content-Type": "text/plain"})

    def was_sent(self, message_id: str) -> bool:
        """True when Sent Items holds a message with this Message-ID."""
        url = f"{self._user_url(self.settings.mailbox)}/mailFolders/sentitems/messages"
        params = {
            "$filter": f"internetMessageId eq {_odata_quote(message_id.strip())}",
            "$select": "id,internetMessageId",
            "$top": "1",
        }
        response = self._http.request("GET", url, "het zoeken in Verzonden items", params=params)
        return bool(response.json().get("value"))

    # receiving

    def list_new(self, mailbox: str = "inbox") -> list[InboundRef]:
        """Messages in the Inbox not yet moved, oldest first (delta query; a plain listing if delta fails)."""
        address = self._address(mailbox)
        try:
            pending = self._sync_delta(address)
        except _DeltaUnsupported:
            pending = self._plain_listing(address)
        ordered = sorted(pending.items(), key=lambda item: item[1])  # stable: server order within a second
        return [InboundRef(mailbox, message_id) for message_id, _ in ordered]

    def fetch_raw(self, ref: InboundRef) -> bytes:
        """The message exactly as received (GET .../messages/{id}/$value)."""
        url = f"{self._user_url(self._address(ref.mailbox))}/messages/{quote(ref.backend_id, safe='')}/$value"
        return bytes(self._http.request("GET", url, "het ophalen van een bericht").content)

    def move_processed(self, ref: InboundRef, *, folder: str | None = None) -> None:
        """Move to the processed folder (or `folder`) under the Inbox (created when missing). Never deletes."""
        address = self._address(ref.mailbox)
        target = self._processed_folder_id(address, folder)
        url = f"{self._user_url(address)}/messages/{quote(ref.backend_id, safe='')}/move"
        what = f"het verplaatsen naar map '{self.settings.processed_folder}'"
        self._http.request("POST", url, what, ok=(200, 201), json={"destinationId": target})
        pending = self._load_pending(address)
        if pending.pop(ref.backend_id, None) is not None:
            self._state.set(self._pending_key(address), json.dumps(pending))

    def list_processed(self, mailbox: str) -> list[InboundRef]:
        """Messages in the processed folder (only the reports' purge of originals uses this)."""
        address = self._address(mailbox)
        url = f"{self._user_url(address)}/mailFolders/{quote(self._processed_folder_id(address), safe='')}/messages"
        params: dict[str, str] | None = {"$select": "id", "$top": "100"}
        refs = []
        while url:
            data = self._http.request("GET", url, "het lezen van de map Verwerkt", params=params).json()
            refs += [InboundRef(mailbox, str(m["id"])) for m in data.get("value") or []]
            url, params = data.get("@odata.nextLink") or "", None
        return refs

    def fetch_processed(self, ref: InboundRef) -> bytes:
        return self.fetch_raw(ref)

    def delete_processed(self, ref: InboundRef) -> None:
        """Delete a processed original for good (permanentDelete): only for issue 12's purge of report originals."""
        url = f"{self._user_url(self._address(ref.mailbox))}/messages/{quote(ref.backend_id, safe='')}/permanentDelete"
        self._http.request("POST", url, "het definitief verwijderen van een origineel", ok=(200, 204))

    def check(self) -> str:
        """Get a token and read the Inbox of each configured mailbox; MailError naming the setting if not."""
        self._http.token()
        counts = []
        for address in filter(None, (self.settings.mailbox, self.settings.reports_mailbox)):
            url = f"{self._user_url(address)}/mailFolders/inbox"
            folder = self._http.request("GET", url, f"het openen van het Postvak IN van {address}").json()
            counts.append(f"{address}: {folder.get('totalItemCount', '?')} berichten in Postvak IN")
        return f"Microsoft Graph via {self.settings.graph_url}: " + "; ".join(counts)

    # delta bookkeeping

    def _delta_key(self, address: str) -> str:
        return f"graph.delta_link.{address.lower()}"

    def _pending_key(self, address: str) -> str:
        return f"graph.pending.{address.lower()}"

    def _load_pending(self, address: str) -> dict[str, str]:
        stored = self._state.get(self._pending_key(address))
        return dict(json.loads(stored)) if stored else {}

    def _sync_delta(self, address: str) -> dict[str, str]:
        link = self._state.get(self._delta_key(address))
        changes, new_link = self._delta_round(address, link)
        if changes is None:  # the stored sync state expired: start a full round
            link = None
            changes, new_link = self._delta_round(address, None)
        pending = self._load_pending(address) if link else {}
        for item in changes:
            if "@removed" in item:
                pending.pop(str(item["id"]), None)
            else:
                pending[str(item["id"])] = str(item.get("receivedDateTime") or "")
        self._state.set(self._pending_key(address), json.dumps(pending))
        self._state.set(self._delta_key(address), new_link)
        return pending

    def _delta_round(self, address: str, link: str | None) -> tuple[Any, str]:
        """All pages of one delta round: (changes, the new delta link); (None, '') when the old link expired."""
        url = link or f"{self._user_url(address)}/mailFolders/inbox/messages/delta"
        params = None if link else {"$select": "id,receivedDateTime"}
        changes: list[dict[str, Any]] = []
        while True:
            response = self._http.request("GET", url, "het lezen van het Postvak IN", ok=_DELTA_OK, params=params)
            if response.status_code != 200:
                if link:  # the sync state expired (410) or the old link no longer works: start over
                    return None, ""
                raise _DeltaUnsupported
            page = response.json()
            changes.extend(page.get("value") or [])
            if "@odata.deltaLink" in page:
                return changes, str(page["@odata.deltaLink"])
            url, params = str(page["@odata.nextLink"]), None

    def _plain_listing(self, address: str) -> dict[str, str]:
        url = f"{self._user_url(address)}/mailFolders/inbox/messages"
        params: dict[str, str] | None = {"$select": "id,receivedDateTime", "$top": "100"}
        found: dict[str, str] = {}
        while url:
            page = self._http.request("GET", url, "het lezen van het Postvak IN", params=params).json()
            found.update({str(m["id"]): str(m.get("receivedDateTime") or "") for m in page.get("value") or []})
            url, params = page.get("@odata.nextLink"), None
        return found

    # the processed folder

    def _processed_folder_id(self, address: str, folder: str | None = None) -> str:
        key = address.lower() if folder is None else f"{address.lower()}/{folder}"
        if key not in self._processed_ids:
            self._processed_ids[key] = self._find_or_create_folder(address, folder)
        return self._processed_ids[key]

    def _find_or_create_folder(self, address: str, folder: str | None = None) -> str:
        name = folder or self.settings.processed_folder
        params = {"$filter": f"displayName eq {_odata_quote(name)}"}
        base = f"{self._user_url(address)}/mailFolders"
        what = f"het zoeken van map '{name}'"
        for url in (f"{base}/inbox/childFolders", base):
            found = self._http.request("GET", url, what, params=params).json().get("value") or []
            if found:
                return str(found[0]["id"])
        response = self._http.request(
            "POST",
            f"{base}/inbox/childFolders",
            f"het aanmaken van map '{name}'",
            ok=(201, 409),
            json={"displayName": name},
        )
        if response.status_code == 409:  # made by someone else in the meantime
            found = self._http.request("GET", f"{base}/inbox/childFolders", what, params=params).json()["value"]
            return str(found[0]["id"])
        return str(response.json()["id"])


_DELTA_OK = (200, 400, 404, 410, 501)


def _json_message(raw: bytes, message_id: str, recipients: list[str]) -> dict[str, object]:
    """The Graph message resource for a MIME message: subject, HTML (or text) body, recipients, attachments."""
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    html = parsed.get_body(("html",)) if hasattr(parsed, "get_body") else None
    text = parsed.get_body(("plain",)) if hasattr(parsed, "get_body") else None
    chosen = html or text
    attachments = [
        {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "name": part.get_filename(),
            "contentBytes": base64.b64encode(_payload(part)).decode("ascii"),
        }
        for part in parsed.iter_attachments()
    ]
    return {
        "subject": str(parsed.get("Subject", "")),
        "body": {
            "contentType": "HTML" if html is not None else "Text",
            "content": chosen.get_content() if chosen is not None else "",
        },
        "toRecipients": [{"emailAddress": {"address": r}} for r in recipients],
        "internetMessageId": message_id.strip(),
        "attachments": attachments,
    }


def _with_all_recipients(raw: bytes, message_id: str, recipients: list[str]) -> bytes:
    """Graph takes the recipients from the MIME headers: add a Bcc header for any recipient not named there."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    if (headers.get("Message-ID") or "").strip() != message_id.strip():
        raise ValueError(f"the message's Message-ID header is not {message_id!r}")
    named = {
        addr.lower()
        for _, addr in email.utils.getaddresses([v for f in ("To", "Cc", "Bcc") for v in headers.get_all(f, [])])
    }
    missing = [r for r in recipients if r.lower() not in named]
    if not missing:
        return raw
    newline = b"\r\n" if b"\r\n" in raw[: raw.find(b"\n") + 1] else b"\n"
    return b"Bcc: " + ", ".join(missing).encode("utf-8") + newline + raw


def _payload(part: Any) -> bytes:
    """The decoded bytes of a MIME part (empty when it has none)."""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""
