"""Integrity toolkit for Woonpartners: registers, mailings and reports under the integrity code."""

__version__ = "0.1.0"
