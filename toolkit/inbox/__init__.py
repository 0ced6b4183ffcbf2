"""Inbound mail: every message in the shared and reports mailboxes sorted once, then moved (never deleted)."""
