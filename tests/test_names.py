"""Tolerant organisation names: the normalised form and the index that matches side functions to suppliers."""

from __future__ import annotations

import pytest

from toolkit.names import NameIndex, index_of, normalise_org_name, same_organisation

SUPPLIERS = (
    "Bouwbedrijf Jansen B.V.",
    "bouwbedrijf jansen bv",  # the same organisation again: the first one written is the one named
    "Café Müller & Zn.",
    "J.P. de Vries V.O.F.",
    "Stichting Wonen",
    "ß-Bau GmbH",
    "A&B Holding",
    "",
    "Ünïcode Schilders",
    "x_y",
)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("Bouwbedrijf Jansen B.V.", "bouwbedrijf jansen"),
        ("BOUWBEDRIJF  JANSEN, bv", "bouwbedrijf jansen"),
        ("Café Müller & Zn.", "cafe muller en zn"),
        ("CAFE MULLER EN ZN", "cafe muller en zn"),
        ("J.P. de Vries V.O.F.", "jp de vries"),
        ("Stichting Wonen", "wonen"),
        ("ß-Bau GmbH", "ss bau"),
        ("A&B Holding", "a en b"),
        ("x_y", "x_y"),
        ("_ Kwast _", "kwast"),
        ("B.V.", "bv"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalised_form(name: str | None, normalised: str) -> None:
    """Case, accents, punctuation, dotted initials, '&' and legal forms at either end don't count."""
    assert normalise_org_name(name) == normalised


def test_accented_and_plain_spelling_are_one_organisation() -> None:
    """A name with accents matches its plain ASCII spelling and the other way round."""
    assert same_organisation("Café Müller & Zn.", "cafe muller en zn")
    assert same_organisation("Ünïcode Schilders B.V.", "unicode schilders")
    assert not same_organisation("Café Müller", "Café Mulder")


ORGANISATIONS = ("bouwbedrijf jansen", "Cafe Muller en Zn", "JP de Vries", "wonen", "SS Bau", "a & b", "x_y")


@pytest.mark.parametrize("organisation", [*ORGANISATIONS, "Unicode Schilders", "Vereniging Oranje", "", None])
def test_index_matches_like_a_scan(organisation: str | None) -> None:
    """The index finds exactly the supplier that a scan over every name with same_organisation finds first."""
    scan = next((name for name in SUPPLIERS if same_organisation(organisation, name)), None)
    assert NameIndex(SUPPLIERS).match(organisation) == scan
    assert index_of(SUPPLIERS).match(organisation) == scan


def test_index_names_the_first_spelling() -> None:
    """Two spellings of one supplier: the index names the one that comes first in the register."""
    assert NameIndex(SUPPLIERS).match("Bouwbedrijf Jansen") == "Bouwbedrijf Jansen B.V."
    assert NameIndex(tuple(reversed(SUPPLIERS))).match("Bouwbedrijf Jansen") == "bouwbedrijf jansen bv"
