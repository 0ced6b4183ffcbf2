"""Integrity reports: who handles them (routing) and the legal deadlines (deadlines). Pure rules, no I/O."""
