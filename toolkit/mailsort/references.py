"""Our references in subjects and bodies: the supplier mailing's [IC-2027-0042], the yearly interests question's
[BV-2027-0042] and report cases M-2026-0001."""

from __future__ import annotations

import re

_SEP = r"(?:\s*[-\u2010-\u2015_]\s*|\s+)"  # a hyphen or dash (spaces around allowed), or plain spaces

SUPPLIER_REF = re.compile(
    rf"\[?\s*(?<![A-Za-z0-9])IC{_SEP}(?P<year>\d{{4}}){_SEP}(?P<number>\d{{1,6}})(?!\d)\s*\]?",
    re.IGNORECASE,
)
ATTESTATION_REF = re.compile(
    rf"\[?\s*(?<![A-Za-z0-9])BV{_SEP}(?P<year>\d{{4}}){_SEP}(?P<number>\d{{1,6}})(?!\d)\s*\]?",
    re.IGNORECASE,
)
CASE_REF = re.compile(
    rf"(?<![A-Za-z0-9])M{_SEP}(?P<year>\d{{4}}){_SEP}(?P<number>\d{{1,6}})(?!\d)",
    re.IGNORECASE,
)


def _number(match: re.Match[str]) -> str:
    return f"{match['year']}-{match['number'].zfill(4)}"


def find_supplier_reference(text: str) -> str | None:
    """The first supplier-mailing reference in the text, normalised to '[IC-2027-0042]', or None."""
    match = SUPPLIER_REF.search(text or "")
    return f"[IC-{_number(match)}]" if match else None


def find_case_number(text: str) -> str | None:
    """The first report case number in the text, normalised to 'M-2026-0001', or None."""
    match = CASE_REF.search(text or "")
    return f"M-{_number(match)}" if match else None


def find_attestation_reference(text: str) -> str | None:
    """The first interests-question reference in the text, normalised to '[BV-2027-0042]', or None."""
    match = ATTESTATION_REF.search(text or "")
    return f"[BV-{_number(match)}]" if match else None
