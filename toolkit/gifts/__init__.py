"""Gifts and invitations: the code's rules G1–G7 as pure functions of one register row."""
