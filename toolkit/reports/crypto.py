"""Encryption at rest for everything about a report: password-protected workbooks and sealed archive files.

- Workbooks (`meldingen.xlsx`, `meldingen-identiteit.xlsx`) use Office's own agile encryption through
  msoffcrypto-tool, so Excel opens them after asking for the password. They are built and read in memory;
  plaintext workbook bytes never touch the disk.
- Archive files (the original .eml, attachments, the message log) are sealed with AES-256-GCM. The key is derived
  from the reports password with scrypt and a random salt kept beside the archive (`.integrity/meldingen/salt`);
  the salt is not secret. A wrong password makes opening fail (GCM authenticates), it never yields garbage.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from toolkit.errors import ConfigError

NONCE_BYTES = 12
SALT_BYTES = 16
SEAL_MAGIC = b"WPM1"  # marks a sealed file and the format version


def encrypt_workbook(plain: bytes, password: str) -> bytes:
    """Office-encrypted bytes (an OLE container Excel opens with the password) for a plain .xlsx."""
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, encrypted)
    return encrypted.getvalue()


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


def archive_key(password: str, salt_file: Path) -> bytes:
    """The 32-byte archive key: scrypt(password, salt); the salt is made once and kept beside the archive."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not salt_file.exists():
        salt_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(salt_file, os.urandom(SALT_BYTES))
    salt = salt_file.read_bytes()
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(password.encode("utf-8"))


def seal(data: bytes, key: bytes, label: str) -> bytes:
    """AES-256-GCM: magic + nonce + ciphertext; `label` (the file's role) is authenticated, so files can't be swapped."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(NONCE_BYTES)
    return SEAL_MAGIC + nonce + AESGCM(key).encrypt(nonce, data, label.encode("utf-8"))


def unseal(blob: bytes, key: bytes, label: str, where: Path) -> bytes:
    """The plaintext of a sealed file; a wrong key or a damaged file is a ConfigError (nothing is changed)."""
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
    """Temp file in the same folder, fsync, replace: a reader sees the old bytes or the new, never half."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
