"""A loopback Exchange Web Services server for tests: the SOAP subset exchangelib sends for our Exchange backend.

Mailboxes live in a MailStore (DIR/<address>/<folder>/ Maildirs). Folder and item ids are opaque base64 strings that
encode (mailbox, folder) and (mailbox, folder, Maildir key). Run standalone with
`python -m tests.loopback.ews --port P --store DIR`.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import email
import email.policy
import email.utils
import json
import secrets
import signal
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.loopback.store import INBOX, SENT, MailStore

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
MNS = "http://schemas.microsoft.com/exchange/services/2006/messages"
TNS = "http://schemas.microsoft.com/exchange/services/2006/types"
ENS = "http://schemas.microsoft.com/exchange/services/2006/errors"
for _prefix, _uri in (("s", SOAP), ("m", MNS), ("t", TNS), ("e", ENS)):
    ET.register_namespace(_prefix, _uri)

ROOT = "\x00root"  # the hidden root of a mailbox's folder tree
TOP = "\x00top"  # msgfolderroot, "Top of Information Store": parent of Inbox, Sent Items and created folders
DISTINGUISHED = {"root": ROOT, "msgfolderroot": TOP, "inbox": INBOX, "sentitems": SENT}
DISPLAY_NAMES = {ROOT: "Root", TOP: "Top of Information Store"}
DEFAULT_USER = "integriteit@woonpartners.example"


def m(tag: str) -> str:
    return f"{{{MNS}}}{tag}"


def t(tag: str) -> str:
    return f"{{{TNS}}}{tag}"


class EwsFault(Exception):
    """An EWS error answered as a ResponseMessage with ResponseClass=Error."""

    def __init__(self, code: str, text: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.text = text or code


# ---------------------------------------------------------------- fault injection


@dataclass
class Fault:
    kind: str  # server_busy | http_503 | http_429 | http_401 | reset
    remaining: int
    operation: str | None
    params: dict[str, object] = field(default_factory=dict)


class FaultQueue:
    """Faults to inject, oldest first; each applies to `count` matching requests."""

    KINDS = ("server_busy", "http_503", "http_429", "http_401", "reset")

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def push(self, kind: str, count: int = 1, operation: str | None = None, **params: object) -> None:
        if kind not in self.KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {self.KINDS}")
        with self._lock:
            self._faults.append(Fault(kind, count, operation, dict(params)))

    def take(self, operation: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.operation in (None, operation):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> int:
        with self._lock:
            return sum(f.remaining for f in self._faults)


# ---------------------------------------------------------------- ids


def encode_id(kind: str, *parts: str) -> str:
    return kind + base64.urlsafe_b64encode(json.dumps(parts).encode()).decode()


def decode_id(kind: str, value: str) -> list[str]:
    if not value.startswith(kind):
        raise EwsFault("ErrorInvalidIdMalformed", f"Id is malformed: {value!r}")
    try:
        return json.loads(base64.urlsafe_b64decode(value[len(kind) :].encode()))
    except (binascii.Error, ValueError) as exc:
        raise EwsFault("ErrorInvalidIdMalformed", f"Id is malformed: {value!r}") from exc


@dataclass(frozen=True)
class FolderRef:
    mailbox: str
    name: str  # ROOT, TOP or a store folder name

    @property
    def id(self) -> str:
        return encode_id("F", self.mailbox, self.name)

    @property
    def parent(self) -> FolderRef | None:
        if self.name == ROOT:
            return None
        return FolderRef(self.mailbox, ROOT if self.name == TOP else TOP)


# ---------------------------------------------------------------- the EWS operations


class Ews:
    """Answers one SOAP operation at a time against the store."""

    def __init__(self, store: MailStore) -> None:
        self.store = store

    # --- folders

    def folder_from(self, elem: ET.Element, acting: str) -> FolderRef:
        """A FolderId or DistinguishedFolderId element (with optional Mailbox) as a FolderRef."""
        if elem.tag == t("FolderId"):
            mailbox, name = decode_id("F", elem.get("Id", ""))
            ref = FolderRef(mailbox, name)
        else:
            name = DISTINGUISHED.get(elem.get("Id", ""))
            if name is None:
                raise EwsFault("ErrorFolderNotFound", f"Distinguished folder {elem.get('Id')!r} is not on this server")
            address = elem.findtext(f"{t('Mailbox')}/{t('EmailAddress')}") or acting
            ref = FolderRef(address.lower(), name)
        return self.existing(ref)

    def existing(self, ref: FolderRef) -> FolderRef:
        if ref.mailbox not in self.store.mailboxes():
            raise EwsFault("ErrorNonExistentMailbox", f"No mailbox with SMTP address {ref.mailbox}")
        if ref.name in (INBOX, SENT):
            self.store.create_folder(ref.mailbox, ref.name)
        elif ref.name not in (ROOT, TOP) and not self.store.has_folder(ref.mailbox, ref.name):
            raise EwsFault("ErrorFolderNotFound", f"Folder {ref.name!r} not found")
        return ref

    def children(self, ref: FolderRef) -> list[FolderRef]:
        if ref.name == ROOT:
            return [FolderRef(ref.mailbox, TOP)]
        if ref.name == TOP:
            return [FolderRef(ref.mailbox, name) for name in self.store.folders(ref.mailbox)]
        return []

    def folder_props(self, ref: FolderRef) -> dict[str, str]:
        count = 0 if ref.name in (ROOT, TOP) else len(self.store.keys(ref.mailbox, ref.name))
        return {
            "folder:DisplayName": DISPLAY_NAMES.get(ref.name, ref.name),
            "folder:FolderClass": "IPF.Note",
            "folder:TotalCount": str(count),
            "folder:ChildFolderCount": str(len(self.children(ref))),
            "folder:UnreadCount": "0",
        }

    def folder_elem(self, ref: FolderRef) -> ET.Element:
        elem = ET.Element(t("Folder"))
        ET.SubElement(elem, t("FolderId"), Id=ref.id, ChangeKey="CK")
        if ref.parent is not None:
            ET.SubElement(elem, t("ParentFolderId"), Id=ref.parent.id, ChangeKey="CK")
        for uri, value in self.folder_props(ref).items():
            ET.SubElement(elem, t(uri.split(":")[1])).text = value
        return elem

    def get_folder(self, body: ET.Element, acting: str) -> list[ET.Element]:
        replies = []
        for id_elem in kids(body, "FolderIds"):
            reply = message("GetFolder")
            try:
                ET.SubElement(reply, m("Folders")).append(self.folder_elem(self.folder_from(id_elem, acting)))
            except EwsFault as fault:
                reply = error_message("GetFolder", fault)
            replies.append(reply)
        return replies

    def find_folder(self, body: ET.Element, acting: str) -> list[ET.Element]:
        restriction = body.find(m("Restriction"))
        deep = body.get("Traversal") == "Deep"
        replies = []
        for id_elem in kids(body, "ParentFolderIds"):
            try:
                found = self.descendants(self.folder_from(id_elem, acting), deep)
            except EwsFault as fault:
                replies.append(error_message("FindFolder", fault))
                continue
            found = [ref for ref in found if matches(restriction, self.folder_props(ref))]
            reply = message("FindFolder")
            root = ET.SubElement(reply, m("RootFolder"), TotalItemsInView=str(len(found)))
            root.set("IncludesLastItemInRange", "true")
            folders = ET.SubElement(root, t("Folders"))
            for ref in found:
                folders.append(self.folder_elem(ref))
            replies.append(reply)
        return replies

    def descendants(self, ref: FolderRef, deep: bool) -> list[FolderRef]:
        found = []
        for child in self.children(ref):
            found.append(child)
            if deep:
                found.extend(self.descendants(child, deep))
        return found

    def create_folder(self, body: ET.Element, acting: str) -> list[ET.Element]:
        parent_elem = body.find(m("ParentFolderId"))
        parent = self.folder_from(parent_elem[0], acting)
        replies = []
        for folder in kids(body, "Folders"):
            name = (folder.findtext(t("DisplayName")) or "").strip()
            try:
                replies.append(self.create_one_folder(parent, name))
            except EwsFault as fault:
                replies.append(error_message("CreateFolder", fault))
        return replies

    def create_one_folder(self, parent: FolderRef, name: str) -> ET.Element:
        if parent.name != TOP:
            raise EwsFault("ErrorInvalidOperation", "This loopback only creates folders under msgfolderroot")
        if not name or "/" in name or name.startswith("."):
            raise EwsFault("ErrorInvalidFolderId", f"Bad folder name {name!r}")
        if name.lower() in (f.lower() for f in self.store.folders(parent.mailbox)):
            raise EwsFault("ErrorFolderExists", f"A folder named {name!r} already exists")
        self.store.create_folder(parent.mailbox, name)
        reply = message("CreateFolder")
        created = ET.SubElement(ET.SubElement(reply, m("Folders")), t("Folder"))
        ET.SubElement(created, t("FolderId"), Id=FolderRef(parent.mailbox, name).id, ChangeKey="CK")
        return reply

    # --- items

    def item_props(self, ref: FolderRef, key: str) -> dict[str, str]:
        raw = self.store.get(ref.mailbox, ref.name, key)
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        path = self.store.root / ref.mailbox / ref.name
        received = datetime.fromtimestamp(mtime_of(path, key), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "item:MimeContent": base64.b64encode(raw).decode(),
            "message:InternetMessageId": (msg.get("Message-ID") or "").strip(),
            "item:Subject": str(msg.get("Subject") or ""),
            "item:DateTimeReceived": received,
            "item:DateTimeSent": received,
            "item:Size": str(len(raw)),
            "item:ItemClass": "IPM.Note",
        }

    def item_elem(self, ref: FolderRef, key: str, wanted: list[str]) -> ET.Element:
        elem = ET.Element(t("Message"))
        ET.SubElement(elem, t("ItemId"), Id=encode_id("I", ref.mailbox, ref.name, key), ChangeKey="CK")
        props = self.item_props(ref, key)
        for uri in wanted:
            if uri == "item:ParentFolderId":
                ET.SubElement(elem, t("ParentFolderId"), Id=ref.id, ChangeKey="CK")
            elif uri == "item:MimeContent":
                ET.SubElement(elem, t("MimeContent"), CharacterSet="UTF-8").text = props[uri]
            elif uri in props:
                ET.SubElement(elem, t(uri.split(":")[1])).text = props[uri]
        return elem

    def item_from(self, elem: ET.Element) -> tuple[FolderRef, str]:
        mailbox, folder, key = decode_id("I", elem.get("Id", ""))
        ref = FolderRef(mailbox, folder)
        if not self.store.has_folder(mailbox, folder) or key not in self.store.keys(mailbox, folder):
            raise EwsFault("ErrorItemNotFound", "The specified object was not found in the store.")
        return ref, key

    def find_item(self, body: ET.Element, acting: str) -> list[ET.Element]:
        wanted = requested_fields(body.find(m("ItemShape")))
        restriction = body.find(m("Restriction"))
        hits: list[tuple[str, FolderRef, str]] = []
        for id_elem in kids(body, "ParentFolderIds"):
            ref = self.folder_from(id_elem, acting)
            keys = self.store.keys(ref.mailbox, ref.name) if ref.name not in (ROOT, TOP) else []
            for key in keys:
                props = self.item_props(ref, key)
                if matches(restriction, props):
                    hits.append((props["item:DateTimeReceived"], ref, key))
        hits.sort(key=lambda hit: hit[0], reverse=descending(body))
        offset, limit = page_of(body)
        page = hits[offset : offset + limit] if limit else hits[offset:]
        reply = message("FindItem")
        root = ET.SubElement(reply, m("RootFolder"), TotalItemsInView=str(len(hits)), IndexedPagingOffset=str(offset))
        root.set("IncludesLastItemInRange", "true" if offset + len(page) >= len(hits) else "false")
        items = ET.SubElement(root, t("Items"))
        for _, ref, key in page:
            items.append(self.item_elem(ref, key, wanted))
        return [reply]

    def get_item(self, body: ET.Element, acting: str) -> list[ET.Element]:
        wanted = requested_fields(body.find(m("ItemShape")))
        replies = []
        for id_elem in kids(body, "ItemIds"):
            try:
                ref, key = self.item_from(id_elem)
                reply = message("GetItem")
                ET.SubElement(reply, m("Items")).append(self.item_elem(ref, key, wanted))
            except EwsFault as fault:
                reply = error_message("GetItem", fault)
            replies.append(reply)
        return replies

    def move_item(self, body: ET.Element, acting: str) -> list[ET.Element]:
        target = self.folder_from(body.find(m("ToFolderId"))[0], acting)
        replies = []
        for id_elem in kids(body, "ItemIds"):
            try:
                ref, key = self.item_from(id_elem)
                if target.name in (ROOT, TOP) or target.mailbox != ref.mailbox:
                    raise EwsFault("ErrorMoveCopyFailed", "This loopback moves only between folders of one mailbox")
                new_key = self.store.move(ref.mailbox, key, ref.name, target.name)
                reply = message("MoveItem")
                moved = ET.SubElement(ET.SubElement(reply, m("Items")), t("Message"))
                ET.SubElement(
                    moved, t("ItemId"), Id=encode_id("I", target.mailbox, target.name, new_key), ChangeKey="CK"
                )
            except EwsFault as fault:
                reply = error_message("MoveItem", fault)
            replies.append(reply)
        return replies

    def delete_item(self, body: ET.Element, acting: str) -> list[ET.Element]:
        """DeleteItem with DeleteType HardDelete removes the message from the store (the only delete we allow)."""
        if body.get("DeleteType") != "HardDelete":
            raise EwsFault("ErrorInvalidRequest", "This loopback deletes only with DeleteType HardDelete")
        replies = []
        for id_elem in kids(body, "ItemIds"):
            try:
                ref, key = self.item_from(id_elem)
                self.store.delete(ref.mailbox, ref.name, key)
                replies.append(message("DeleteItem"))
            except (EwsFault, KeyError) as fault:
                error = fault if isinstance(fault, EwsFault) else EwsFault("ErrorItemNotFound", "not found")
                replies.append(error_message("DeleteItem", error))
        return replies

    def create_item(self, body: ET.Element, acting: str) -> list[ET.Element]:
        disposition = body.get("MessageDisposition", "SaveOnly")
        saved = body.find(m("SavedItemFolderId"))
        folder = self.folder_from(saved[0], acting) if saved is not None else None
        replies = []
        for item in kids(body, "Items"):
            try:
                replies.append(self.create_one_item(item, disposition, folder, acting))
            except EwsFault as fault:
                replies.append(error_message("CreateItem", fault))
        return replies

    def create_one_item(self, item: ET.Element, disposition: str, folder: FolderRef | None, acting: str) -> ET.Element:
        raw = mime_of(item, acting)
        reply = message("CreateItem")
        items = ET.SubElement(reply, m("Items"))
        if disposition == "SaveOnly":
            self.store.create_folder(acting.lower(), "Drafts")
            target = folder or self.existing(FolderRef(acting.lower(), "Drafts"))
            key = self.store.deliver(target.mailbox, raw, target.name)
            ET.SubElement(
                ET.SubElement(items, t("Message")), t("ItemId"), Id=encode_id("I", target.mailbox, target.name, key)
            )
            return reply
        if disposition == "SendAndSaveCopy":
            target = folder or self.existing(FolderRef(acting.lower(), SENT))
            self.store.deliver(target.mailbox, raw, target.name)
        known = set(self.store.mailboxes())
        for address in recipients_of(item, raw):
            if address.lower() in known:
                self.store.deliver(address.lower(), raw, INBOX)
        return reply  # Exchange returns no item id when the message is sent

    def sync_folder_items(self, body: ET.Element, acting: str) -> list[ET.Element]:
        """Changes since SyncState; the state is simply the list of item keys already reported."""
        ref = self.folder_from(body.find(m("SyncFolderId"))[0], acting)
        wanted = requested_fields(body.find(m("ItemShape")))
        state = body.findtext(m("SyncState"))
        known = json.loads(base64.b64decode(state)) if state else []
        limit = int(body.findtext(m("MaxChangesReturned")) or "100")
        current = self.store.keys(ref.mailbox, ref.name)
        created = [key for key in current if key not in known][:limit]
        deleted = [key for key in known if key not in current]
        reported = [key for key in known if key in current] + created
        reply = message("SyncFolderItems")
        ET.SubElement(reply, m("SyncState")).text = base64.b64encode(json.dumps(reported).encode()).decode()
        complete = len(created) == len([key for key in current if key not in known])
        ET.SubElement(reply, m("IncludesLastItemInRange")).text = "true" if complete else "false"
        changes = ET.SubElement(reply, m("Changes"))
        for key in created:
            ET.SubElement(changes, t("Create")).append(self.item_elem(ref, key, wanted))
        for key in deleted:
            gone = ET.SubElement(changes, t("Delete"))
            ET.SubElement(gone, t("ItemId"), Id=encode_id("I", ref.mailbox, ref.name, key), ChangeKey="CK")
        return [reply]

    def convert_id(self, body: ET.Element, acting: str) -> list[ET.Element]:
        return [error_message("ConvertId", EwsFault("ErrorInvalidIdMalformed", "Id is malformed."))]

    def operations(self) -> dict[str, Callable[[ET.Element, str], list[ET.Element]]]:
        return {
            "GetFolder": self.get_folder,
            "FindFolder": self.find_folder,
            "CreateFolder": self.create_folder,
            "FindItem": self.find_item,
            "GetItem": self.get_item,
            "MoveItem": self.move_item,
            "DeleteItem": self.delete_item,
            "CreateItem": self.create_item,
            "SyncFolderItems": self.sync_folder_items,
            "ConvertId": self.convert_id,
        }


# ---------------------------------------------------------------- request parsing helpers


def kids(body: ET.Element, tag: str) -> list[ET.Element]:
    """The children of body's m:<tag> element; empty when it is absent."""
    container = body.find(m(tag))
    return [] if container is None else list(container)


def mtime_of(folder: Path, key: str) -> float:
    for sub in ("cur", "new"):
        for path in (folder / sub).glob(f"{key}*"):
            return path.stat().st_mtime
    return time.time()


def requested_fields(shape: ET.Element | None) -> list[str]:
    if shape is None:
        return []
    uris = [elem.get("FieldURI", "") for elem in shape.iter(t("FieldURI"))]
    if shape.findtext(t("BaseShape")) in ("Default", "AllProperties"):
        uris += ["item:Subject", "item:DateTimeReceived", "message:InternetMessageId", "item:Size"]
    return list(dict.fromkeys(uris))


def descending(body: ET.Element) -> bool:
    order = body.find(f"{m('SortOrder')}/{t('FieldOrder')}")
    return order is not None and order.get("Order") == "Descending"


def page_of(body: ET.Element) -> tuple[int, int]:
    view = body.find(m("IndexedPageItemView"))
    if view is None:
        return 0, 0
    return int(view.get("Offset", "0")), int(view.get("MaxEntriesReturned", "0"))


def matches(restriction: ET.Element | None, props: dict[str, str]) -> bool:
    """Evaluate the EWS restriction subset exchangelib emits for equality filters: IsEqualTo, Contains, And, Or, Not."""
    if restriction is None:
        return True
    return evaluate(restriction[0], props)


def evaluate(node: ET.Element, props: dict[str, str]) -> bool:
    tag = node.tag.removeprefix(f"{{{TNS}}}")
    if tag == "And":
        return all(evaluate(child, props) for child in node)
    if tag == "Or":
        return any(evaluate(child, props) for child in node)
    if tag == "Not":
        return not evaluate(node[0], props)
    field_elem = node.find(t("FieldURI"))
    constant = node.find(f".//{t('Constant')}")
    if field_elem is None or constant is None:
        raise EwsFault("ErrorUnsupportedQueryFilter", f"Restriction {tag} is not supported by this loopback")
    actual, expected = props.get(field_elem.get("FieldURI", ""), ""), constant.get("Value", "")
    if tag == "IsEqualTo":
        return actual == expected
    if tag == "IsNotEqualTo":
        return actual != expected
    if tag == "Contains":
        return expected.lower() in actual.lower()
    raise EwsFault("ErrorUnsupportedQueryFilter", f"Restriction {tag} is not supported by this loopback")


def mime_of(item: ET.Element, acting: str) -> bytes:
    """The item's raw MIME: its MimeContent if given, else a plain message built from Subject, Body and attachments."""
    content = item.findtext(t("MimeContent"))
    if content:
        return base64.b64decode(content)
    msg = EmailMessage()
    msg["From"] = acting
    msg["To"] = ", ".join(addresses(item, "ToRecipients"))
    msg["Subject"] = item.findtext(t("Subject")) or ""
    msg["Message-ID"] = email.utils.make_msgid(domain="loopback.invalid")
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg.set_content(item.findtext(t("Body")) or "")
    for attachment in item.iter(t("FileAttachment")):
        data = base64.b64decode(attachment.findtext(t("Content")) or "")
        name = attachment.findtext(t("Name")) or "bijlage"
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def addresses(item: ET.Element, kind: str) -> list[str]:
    return [e.text or "" for e in item.iterfind(f"{t(kind)}/{t('Mailbox')}/{t('EmailAddress')}")]


def recipients_of(item: ET.Element, raw: bytes) -> list[str]:
    found = [a for kind in ("ToRecipients", "CcRecipients", "BccRecipients") for a in addresses(item, kind)]
    if not found:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        headers = [str(v) for name in ("To", "Cc") for v in msg.get_all(name, [])]
        found = [address for _, address in email.utils.getaddresses(headers) if address]
    return list(dict.fromkeys(found))


# ---------------------------------------------------------------- SOAP envelopes


def message(operation: str, response_class: str = "Success", code: str = "NoError") -> ET.Element:
    reply = ET.Element(m(f"{operation}ResponseMessage"), ResponseClass=response_class)
    ET.SubElement(reply, m("ResponseCode")).text = code
    return reply


def error_message(operation: str, fault: EwsFault) -> ET.Element:
    reply = ET.Element(m(f"{operation}ResponseMessage"), ResponseClass="Error")
    ET.SubElement(reply, m("MessageText")).text = fault.text
    ET.SubElement(reply, m("ResponseCode")).text = fault.code
    ET.SubElement(reply, m("DescriptiveLinkKey")).text = "0"
    return reply


def envelope(body_child: ET.Element, with_version: bool = True) -> bytes:
    env = ET.Element(f"{{{SOAP}}}Envelope")
    if with_version:
        header = ET.SubElement(env, f"{{{SOAP}}}Header")
        info = ET.SubElement(header, t("ServerVersionInfo"), MajorVersion="15", MinorVersion="1")
        info.set("MajorBuildNumber", "2507")
        info.set("MinorBuildNumber", "6")
        info.set("Version", "Exchange2016")
    ET.SubElement(env, f"{{{SOAP}}}Body").append(body_child)
    return ET.tostring(env, encoding="utf-8", xml_declaration=True)


def response(operation: str, replies: list[ET.Element]) -> bytes:
    wrapper = ET.Element(m(f"{operation}Response"))
    ET.SubElement(wrapper, m("ResponseMessages")).extend(replies)
    return envelope(wrapper)


def soap_fault(code: str, text: str, back_off_ms: int | None = None) -> bytes:
    fault = ET.Element(f"{{{SOAP}}}Fault")
    ET.SubElement(fault, "faultcode").text = f"a:{code}"
    ET.SubElement(fault, "faultstring").text = text
    detail = ET.SubElement(fault, "detail")
    ET.SubElement(detail, f"{{{ENS}}}ResponseCode").text = code
    ET.SubElement(detail, f"{{{ENS}}}Message").text = text
    if back_off_ms is not None:
        xml = ET.SubElement(detail, t("MessageXml"))
        ET.SubElement(xml, t("Value"), Name="BackOffMilliseconds").text = str(back_off_ms)
    return envelope(fault, with_version=False)


# ---------------------------------------------------------------- HTTP


class EwsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HttpServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests read server.operations instead."""

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        body = self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        owner = self.server.owner
        if self.path.split("?")[0].lower() != "/ews/exchange.asmx":
            return self.reply(404, b"not found", content_type="text/plain")
        user = owner.authenticate(self.headers.get("Authorization", ""))
        if user is None:
            return self.reply(401, b"", extra={"WWW-Authenticate": 'Basic realm="loopback"'})
        try:
            root = ET.fromstring(body)
            request = root.find(f"{{{SOAP}}}Body")[0]
        except (ET.ParseError, TypeError, IndexError):
            return self.reply(400, b"bad SOAP", content_type="text/plain")
        operation = request.tag.removeprefix(f"{{{MNS}}}")
        owner.operations.append(operation)
        fault = owner.faults.take(operation)
        if fault is not None:
            return self.inject(fault)
        acting = root.findtext(f".//{t('ExchangeImpersonation')}//{t('PrimarySmtpAddress')}") or user
        self.reply(*owner.answer(operation, request, acting))

    def inject(self, fault: Fault) -> None:
        retry_after = str(fault.params.get("retry_after", 1))
        if fault.kind == "reset":
            self.close_connection = True
            self.connection.shutdown(2)
        elif fault.kind == "server_busy":
            back_off = int(fault.params.get("back_off_ms", 200))
            self.reply(
                500, soap_fault("ErrorServerBusy", "The server cannot service this request right now.", back_off)
            )
        elif fault.kind == "http_401":
            self.reply(401, b"", extra={"WWW-Authenticate": 'Basic realm="loopback"'})
        else:
            status = 503 if fault.kind == "http_503" else 429
            self.reply(status, b"try later", content_type="text/plain", extra={"Retry-After": retry_after})

    def reply(self, status: int, payload: bytes, content_type: str = "text/xml; charset=utf-8", extra=None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    owner: EwsServer

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a client killed mid-request (the SIGKILL trials): not the server's problem
        super().handle_error(request, client_address)


class EwsServer:
    """The loopback EWS endpoint on 127.0.0.1; a context manager that serves from a background thread."""

    def __init__(self, store_root: Path, users: dict[str, str], port: int = 0, host: str = "127.0.0.1") -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the loopback EWS server binds to 127.0.0.1 only")
        self.store = MailStore(store_root)
        self.users = dict(users)
        self.faults = FaultQueue()
        self.operations: list[str] = []  # every SOAP operation received, in order
        self.unsupported: list[str] = []
        self._ews = Ews(self.store)
        self._http = _HttpServer(("127.0.0.1", port), EwsHandler)
        self._http.owner = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._http.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/EWS/Exchange.asmx"

    def authenticate(self, header: str) -> str | None:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            username, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        known = self.users.get(username)
        return username if known is not None and secrets.compare_digest(known, password) else None

    def answer(self, operation: str, request: ET.Element, acting: str) -> tuple[int, bytes]:
        handler = self._ews.operations().get(operation)
        if handler is None:
            self.unsupported.append(operation)
            return 500, soap_fault("ErrorInvalidOperation", f"{operation} is not implemented by the loopback")
        try:
            return 200, response(operation, handler(request, acting))
        except EwsFault as fault:
            return 200, response(operation, [error_message(operation, fault)])

    def start(self) -> EwsServer:
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), name="loopback-ews", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> EwsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- standalone


def toml_section(url: str, user: str) -> str:
    return "\n".join(
        [
            "[mail.exchange]",
            f'endpoint = "{url}"',
            f'username = "{user}"',
            f'mailbox = "{user}"',
            'auth = "basic"',
            'processed_folder = "Verwerkt"',
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Loopback EWS server for tests (127.0.0.1 only).")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--user", default=DEFAULT_USER)
    parser.add_argument("--password", default=None)
    args = parser.parse_args(argv)
    password = args.password or secrets.token_urlsafe(16)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    server = EwsServer(args.store, {args.user: password}, port=args.port)
    server.store.create_folder(args.user, INBOX)
    with server:
        sys.stdout.write(f"{toml_section(server.url, args.user)}\nINTEGRITY_EXCHANGE_PASSWORD={password}\n\n")
        sys.stdout.flush()
        stop.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
