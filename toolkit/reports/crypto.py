"""Encryption at rest for everything about a report: sealed to PUBLIC keys (age), opened with a personal key.

- `seal(data, recipients, label)` encrypts with age (X25519) to the public keys of the people entitled to the file;
  the unattended job only ever seals, so it holds nothing that opens a report. The file's role (`label`, e.g.
  `M-2026-0001/01-tekst`) is sealed inside with the data and checked on opening, so sealed files can't be swapped.
- `unseal(blob, key, label, where)` opens a file with one person's private key (`toolkit.keys`); a key that is not
  among the file's recipients, or a damaged file, is one Dutch sentence and changes nothing.
- Files with report data are created 0600, their folders 0700 (POSIX).

Below the line: the password-based formats of earlier versions (Office-encrypted workbooks, AES-GCM archive files
keyed by scrypt(password, salt)), kept only so `integrity reports migrate` can convert such a workspace once.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import ConfigError, InputError, RefusedError

if TYPE_CHECKING:
    from toolkit.keys import PrivateKey

AGE_MAGIC = b"age-encryption.org/v1"
FILE_MODE = 0o600
DIR_MODE = 0o700


def seal(data: bytes, recipients: Iterable[str], label: str) -> bytes:
    """age-encrypted bytes for the given public keys (`age1…`), the label sealed inside with the data."""
    import pyrage
    from pyrage import x25519

    keys = [x25519.Recipient.from_str(r) for r in sorted(set(recipients))]
    if not keys:
        raise ConfigError(
            f"{label}: er is geen publieke sleutel om mee te versleutelen; er is niets geschreven.",
            hint="maak sleutels met 'integrity keys new ADRES --out BESTAND' voor wie meldingen mag lezen.",
        )
    return pyrage.encrypt(label.encode("utf-8") + b"\n" + data, keys)


def unseal(blob: bytes, key: PrivateKey, label: str, where: Path) -> bytes:
    """The plaintext of a sealed file, if `key` is one of its recipients; otherwise one Dutch sentence."""
    import pyrage

    if not blob.startswith(AGE_MAGIC):
        raise ConfigError(f"{where} is geen versleuteld bestand van de toolkit.", hint="zet het terug uit een back-up.")
    try:
        plain = pyrage.decrypt(blob, [key.identity])
    except pyrage.DecryptError as exc:
        if "No matching keys" in str(exc):
            raise RefusedError(
                f"de sleutel van {key.email} mag {where.name} van {where.parent.name} niet openen.",
                hint="alleen wie de zaak behandelt of de identiteit beheert, kan dit lezen; er is niets gewijzigd.",
            ) from exc
        raise InputError(
            f"{where} is beschadigd of onvolledig en kan niet worden geopend.",
            hint="zet het bestand terug uit een back-up; er is niets gewijzigd.",
        ) from exc
    found, _, data = plain.partition(b"\n")
    if found.decode("utf-8", "replace") != label:
        raise ConfigError(
            f"{where} hoort niet op deze plek (het is {found.decode('utf-8', 'replace')}).",
            hint="zet het juiste bestand terug uit een back-up; er is niets gewijzigd.",
        )
    return data


def may_open(blob: bytes, key: PrivateKey) -> bool:
    """True when `key` opens the sealed bytes (used to choose what to show; nothing is returned)."""
    import pyrage

    try:
        pyrage.decrypt(blob, [key.identity])
    except pyrage.DecryptError:
        return False
    return True


def private_dir(path: Path) -> Path:
    """Create the folder and any missing parents 0700; the folder itself is tightened to 0700 when it exists."""
    missing = []
    current = path
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, DIR_MODE)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Atomic write, the file 0600 from its first byte (its folder made 0700 when missing)."""
    if not path.parent.exists():
        private_dir(path.parent)
    write_atomically(path, data)


# -- earlier, password-based formats: read only, for `integrity reports migrate` ------------------------------

NONCE_BYTES = 12
SALT_BYTES = 16
SEAL_MAGIC = b"WPM1"  # marked a sealed file of the earlier, password-based format


def decrypt_workbook(data: bytes, password: str, where: Path, secret_name: str) -> bytes:
    """The plain .xlsx bytes; a wrong password or an unencrypted file is a ConfigError naming the file and secret."""
    import msoffcrypto
    from msoffcrypto.exceptions import DecryptionError, FileFormatError, InvalidKeyError

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        if not office.is_encrypted():
            raise ConfigError(
                f"{where.name} is niet versleuteld; de toolkit gebruikt het niet.",
                hint=f"versleutel het in Excel met het wachtwoord uit {secret_name} (Bestand > Info > Beveiligen), "
                "of zet het terug uit .integrity/backups/.",
            )
        office.load_key(password=password)
        plain = io.BytesIO()
        office.decrypt(plain)
    except (InvalidKeyError, DecryptionError) as exc:
        raise ConfigError(
            f"{where.name} kan niet worden geopend: het wachtwoord uit {secret_name} klopt niet. Er is niets gewijzigd.",
            hint=f"zet het juiste wachtwoord in {secret_name} (omgeving of sleutelbos) en draai opnieuw.",
        ) from exc
    except FileFormatError as exc:
        raise ConfigError(
            f"{where.name} is geen versleutelde Excel-werkmap.", hint="zet het terug uit .integrity/backups/."
        ) from exc
    return plain.getvalue()


def legacy_archive_key(password: str, salt_file: Path) -> bytes:
    """The 32-byte key of an earlier archive: scrypt(password, salt); a missing salt is refused, never made."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not salt_file.exists():
        raise ConfigError(
            f"{salt_file} ontbreekt: de oude archiefbestanden zijn zonder dit bestand niet te openen.",
            hint="zet het terug uit een back-up; er is niets gewijzigd.",
        )
    salt = salt_file.read_bytes()
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(password.encode("utf-8"))


def legacy_unseal(blob: bytes, key: bytes, label: str, where: Path) -> bytes:
    """The plaintext of an earlier sealed file; a wrong key or a damaged file is a ConfigError (nothing is changed)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob.startswith(SEAL_MAGIC):
        raise ConfigError(
            f"{where} is geen versleuteld archiefbestand van de toolkit.", hint="zet het terug uit een back-up."
        )
    nonce = blob[len(SEAL_MAGIC) : len(SEAL_MAGIC) + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[len(SEAL_MAGIC) + NONCE_BYTES :], label.encode("utf-8"))
    except InvalidTag as exc:
        raise ConfigError(
            f"{where} kan niet worden geopend: verkeerd wachtwoord (INTEGRITY_REPORTS_PASSWORD) of beschadigd bestand.",
            hint="controleer het wachtwoord; er is niets gewijzigd.",
        ) from exc


def write_atomically(path: Path, data: bytes) -> None:
    """Temp file (0600) in the same folder, fsync, replace: a reader sees the old bytes or the new, never half."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with open(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
