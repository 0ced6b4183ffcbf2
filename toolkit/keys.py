"""Personal keys for the integrity reports: age (X25519) key pairs, the public halves kept in the workspace.

- `integrity keys new EMAIL --out FILE` makes a pair: the private key goes to FILE, encrypted with the person's
  passphrase (age's own scrypt passphrase encryption), the public key to `keys/EMAIL.pub` in the workspace.
- Everything about a report is sealed to public keys only (`toolkit.reports.crypto`), so the unattended job holds
  no secret that opens a report. Opening needs a private key file and its passphrase.

The passphrase comes from `INTEGRITY_KEY_PASSPHRASE` (scripts) or is asked for; it is never stored.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import ConfigError, InputError

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

PASSPHRASE_VARIABLE = "INTEGRITY_KEY_PASSPHRASE"
KEY_FORMAT = "integrity-toolkit-key-1"
PUBLIC_SUFFIX = ".pub"
_EMAIL = re.compile(r"^[^@\s/\\]+@[^@\s/\\]+\.[^@\s/\\]+$")


@dataclass(frozen=True)
class PrivateKey:
    """An opened private key: whose it is and the age identity (never written anywhere unencrypted)."""

    email: str
    identity: Any  # pyrage.x25519.Identity

    def __repr__(self) -> str:  # a key never ends up in a log or a traceback by accident
        return f"PrivateKey({self.email})"


def keys_dir(ws: Workspace) -> Path:
    """The workspace's register of public keys: one `EMAIL.pub` per person."""
    return ws.config.source.parent / "keys"


def normalise_email(email: str) -> str:
    address = email.strip().lower()
    if not _EMAIL.match(address):
        raise InputError(
            f"'{email}' is geen e-mailadres.", hint="geef het adres van de persoon, bijv. naam@organisatie.nl."
        )
    return address


def public_key_path(ws: Workspace, email: str) -> Path:
    return keys_dir(ws) / f"{normalise_email(email)}{PUBLIC_SUFFIX}"


def public_keys(ws: Workspace) -> dict[str, str]:
    """Email -> age public key (`age1…`) for every readable public key in the workspace."""
    from pyrage import x25519

    found: dict[str, str] = {}
    folder = keys_dir(ws)
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob(f"*{PUBLIC_SUFFIX}")):
        text = _public_line(path)
        try:
            x25519.Recipient.from_str(text)
        except Exception:  # noqa: BLE001 - pyrage raises its own RecipientError; an unusable file is not a key
            continue
        found[path.name[: -len(PUBLIC_SUFFIX)]] = text
    return found


def _public_line(path: Path) -> str:
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip() and not line.startswith("#"):
            return line.strip()
    return ""


@dataclass(frozen=True)
class NewKey:
    """What `keys new` made."""

    email: str
    private_file: Path
    public_file: Path
    public_key: str
    replaced: bool

    @property
    def ok(self) -> bool:
        return True


def new_key(ws: Workspace, email: str, out: Path, passphrase: str, *, replace: bool = False) -> NewKey:
    """Make a key pair: private key to `out` (passphrase-encrypted, 0600), public key into `keys/`."""

    address = normalise_email(email)
    if len(passphrase) < 8:
        raise InputError("de wachtzin is korter dan 8 tekens.", hint="kies een langere wachtzin (een zin werkt goed).")
    if out.exists():
        raise InputError(
            f"{out} bestaat al; de toolkit overschrijft geen sleutelbestand.",
            hint="kies een ander bestand met --out, of verplaats het oude eerst.",
        )
    public_file = public_key_path(ws, address)
    if public_file.exists() and not replace:
        raise InputError(
            f"er is al een publieke sleutel voor {address} ({public_file}).",
            hint="gebruik --replace om de sleutel te vervangen (daarna: 'integrity reports reseal --key …').",
        )
    replaced = public_file.exists()
    public = make_key_pair(address, out, passphrase)
    write_public_key(public_file, address, public)
    ws.audit.record("keys.created", actor=ws.actor, target=address, replaced=replace or None)
    return NewKey(address, out, public_file, public, replaced)


def make_key_pair(email: str, out: Path, passphrase: str) -> str:
    """Write a new private key to `out` (0600, encrypted with the passphrase); return its public key."""
    from pyrage import passphrase as age_passphrase
    from pyrage import x25519

    from toolkit.reports.crypto import write_private

    identity = x25519.Identity.generate()
    content = json.dumps({"format": KEY_FORMAT, "email": email, "secret": str(identity)}).encode("utf-8")
    write_private(out, age_passphrase.encrypt(content, passphrase))
    return str(identity.to_public())


def write_public_key(path: Path, email: str, public: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# publieke sleutel van {email} (integrity keys new)\n{public}\n", encoding="utf-8")


def passphrase_from_environment() -> str | None:
    return os.environ.get(PASSPHRASE_VARIABLE) or None


def load_private_key(path: Path, passphrase: str) -> PrivateKey:
    """Open a key file; a missing file, a wrong passphrase or a file that is no key is one Dutch sentence."""
    if not path.is_file():
        raise ConfigError(
            f"sleutelbestand {path} bestaat niet.", hint="geef met --key het bestand dat 'integrity keys new' maakte."
        )
    stat = path.stat()
    return _open_key(str(path.resolve()), stat.st_mtime_ns, stat.st_size, passphrase)


@lru_cache(maxsize=8)
def _open_key(path: str, _mtime: int, _size: int, passphrase: str) -> PrivateKey:
    """Cached per file version and passphrase: age's scrypt takes about a second by design."""
    from pyrage import passphrase as age_passphrase
    from pyrage import x25519

    data = Path(path).read_bytes()
    if not data.startswith(b"age-encryption.org/v1"):
        raise ConfigError(
            f"{path} is geen sleutelbestand van de toolkit.", hint="gebruik het bestand van 'integrity keys new'."
        )
    try:
        content = json.loads(age_passphrase.decrypt(data, passphrase))
        identity = x25519.Identity.from_str(content["secret"])
        email = str(content["email"])
    except Exception as exc:  # noqa: BLE001 - pyrage.DecryptError or a damaged file: same answer, nothing changed
        raise ConfigError(
            f"sleutelbestand {path} gaat niet open: de wachtzin klopt niet of het bestand is beschadigd.",
            hint=f"typ de wachtzin opnieuw (of zet {PASSPHRASE_VARIABLE}); er is niets gewijzigd.",
        ) from exc
    return PrivateKey(email, identity)
