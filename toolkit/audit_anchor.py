"""The audit trail's anchor: a secret key and the trail's last known head, kept OUTSIDE the workspace.

Someone who can write the workspace can delete or rewrite `audit.jsonl` and `state.sqlite` together, so
neither can vouch for the other. The anchor lives where that person has no hand:

- a key (HMAC-SHA256): `INTEGRITY_AUDIT_KEY` in the environment, else the system keyring (service
  `integrity-toolkit`, name `INTEGRITY_AUDIT_KEY`), else the file `audit.key` in the anchor folder, made
  (0600) on the first run. Every trail line carries `mac = HMAC(key, line hash)`: a line written or
  re-chained without the key is noticed.
- the head: line count and SHA-256 of the last line, in `anchors/<workspace>.json` in the anchor folder,
  updated with every line and signed with the key. A deletion, a cut tail or a re-chained copy no longer
  ends at that head. When a run finds the trail does not end at the anchored head, it records a *break* in
  the anchor that no later run removes, so laundering by running again does not work.

The anchor folder: `INTEGRITY_ANCHOR_DIR`, else `$XDG_CONFIG_HOME/integrity` (`~/.config/integrity`), on
Windows `%APPDATA%\\integrity`. It must not be inside the workspace nor writable by those who write it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from toolkit.files import private_dir, write_private_atomic

KEY_ENV = "INTEGRITY_AUDIT_KEY"
_BLOCK = 4096
DIR_ENV = "INTEGRITY_ANCHOR_DIR"


def anchor_dir() -> Path:
    """Where keys and heads are kept: outside every workspace."""
    configured = os.environ.get(DIR_ENV)
    if configured:
        return Path(configured)
    if sys.platform == "win32" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "integrity"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "integrity"


@dataclass(frozen=True)
class Break:
    """A moment a run found the trail not ending where the anchor said: kept for ever."""

    at: str
    expected_lines: int
    expected_head: str
    found_lines: int


@dataclass(frozen=True)
class Head:
    """What the anchor knows of one trail."""

    trail: str
    lines: int
    head: str
    since: int  # lines before this number were written before the trail was anchored (no mac)
    created: str
    key_id: str
    breaks: tuple[Break, ...] = field(default_factory=tuple)

    def with_break(self, brk: Break) -> Head:
        return replace(self, breaks=(*self.breaks, brk))


class Anchor:
    """The key and head file of one trail. `key` is None only when it can't be found and may not be made."""

    def __init__(self, trail_path: Path, folder: Path | None = None) -> None:
        self.folder = folder or anchor_dir()
        self.trail_path = trail_path
        ident = hashlib.sha256(str(trail_path.resolve()).encode("utf-8")).hexdigest()[:20]
        self.head_path = self.folder / "anchors" / f"{ident}.json"
        self.key_path = self.folder / "audit.key"
        self._key: bytes | None = None

    # -- key -------------------------------------------------------------------------------------
    def key(self, *, create: bool) -> bytes | None:
        """The HMAC key; made in the anchor folder on first use when `create` (a writing run)."""
        if self._key is None:
            self._key = _key_from_env_or_keyring() or self._key_from_file(create)
        return self._key

    def _key_from_file(self, create: bool) -> bytes | None:
        try:
            return bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())
        except FileNotFoundError:
            if not create:
                return None
        except (OSError, ValueError):
            return None
        private_dir(self.folder)
        write_private_atomic(self.key_path, secrets.token_hex(32).encode("ascii"))
        return bytes.fromhex(self.key_path.read_text(encoding="ascii").strip())

    def mac(self, key: bytes, line_hash: str) -> str:
        return hmac.new(key, line_hash.encode("ascii"), hashlib.sha256).hexdigest()

    # -- head ------------------------------------------------------------------------------------
    def load(self, key: bytes | None) -> tuple[Head | None, str]:
        """The head and '' — or None and why not ('' when there simply is none yet)."""
        try:
            data = json.loads(self.head_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, ""
        except (OSError, ValueError) as exc:
            return None, f"het anker {self.head_path} is onleesbaar ({exc})"
        if not isinstance(data, dict):
            return None, f"het anker {self.head_path} is onleesbaar"
        signature = str(data.pop("mac", ""))
        if key is not None and not hmac.compare_digest(signature, self._sign(key, data)):
            return None, f"het anker {self.head_path} is gewijzigd of hoort bij een andere sleutel"
        try:
            breaks = tuple(Break(**b) for b in data.pop("breaks", []))
            return Head(**data, breaks=breaks), ""
        except TypeError as exc:
            return None, f"het anker {self.head_path} is onleesbaar ({exc})"

    def save(self, key: bytes, head: Head) -> None:
        block = self._block(key, head)
        if _overwrite_in_place(self.head_path, block):
            return
        write_private_atomic(self.head_path, block)

    def hold(self) -> HeldAnchor:
        """The head file kept open for a run of saves (an audit session): one write per save."""
        return HeldAnchor(self)

    def _block(self, key: bytes, head: Head) -> bytes:
        data: dict[str, Any] = {
            "trail": head.trail,
            "lines": head.lines,
            "head": head.head,
            "since": head.since,
            "created": head.created,
            "key_id": head.key_id,
            "breaks": [asdict(b) for b in head.breaks],
        }
        data["mac"] = self._sign(key, data)
        body = json.dumps(data, sort_keys=True).encode("utf-8")
        return body + b" " * (-len(body) % _BLOCK or 0)  # fixed size: the next save overwrites it in place

    @staticmethod
    def key_id(key: bytes) -> str:
        return hashlib.sha256(b"integrity-audit-key:" + key).hexdigest()[:16]

    @staticmethod
    def _sign(key: bytes, data: dict[str, Any]) -> str:
        body = {k: v for k, v in data.items() if k != "mac"}
        return hmac.new(key, json.dumps(body, sort_keys=True).encode("utf-8"), hashlib.sha256).hexdigest()


class HeldAnchor:
    """The anchor's head file open for writing while a session lasts; saves overwrite it in place (falling back to
    `Anchor.save` when it is missing or another size). As durable as a save: in the OS's hands, survives a kill."""

    def __init__(self, anchor: Anchor) -> None:
        self.anchor = anchor
        self.fd: int | None = None

    def save(self, key: bytes, head: Head) -> None:
        block = self.anchor._block(key, head)
        if self.fd is None:
            try:
                self.fd = os.open(self.anchor.head_path, os.O_WRONLY)
            except OSError:
                self.fd = None
        if self.fd is not None and os.fstat(self.fd).st_size == len(block):
            os.lseek(self.fd, 0, os.SEEK_SET)  # (no os.pwrite on Windows)
            if os.write(self.fd, block) == len(block):
                return
        self.close()
        write_private_atomic(self.anchor.head_path, block)

    def sync(self) -> None:
        if self.fd is not None:
            getattr(os, "fdatasync", os.fsync)(self.fd)  # overwritten in place: the data, not the times

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _overwrite_in_place(path: Path, block: bytes) -> bool:
    """One write of the whole anchor over an anchor of the same size (no rename: a rename per trail line costs a
    flush on ext4). As durable as the trail line it follows: in the OS's hands, survives a killed process."""
    try:
        fd = os.open(path, os.O_WRONLY)
    except OSError:
        return False
    try:
        if os.fstat(fd).st_size != len(block):
            return False
        os.lseek(fd, 0, os.SEEK_SET)  # (no os.pwrite on Windows)
        return os.write(fd, block) == len(block)
    finally:
        os.close(fd)


def _key_from_env_or_keyring() -> bytes | None:
    value = os.environ.get(KEY_ENV)
    if not value:
        from toolkit.config.secrets import from_keyring  # asked once per run, and only where a keyring can answer

        value = from_keyring(KEY_ENV)
    return value.encode("utf-8") if value else None
