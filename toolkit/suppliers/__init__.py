"""Suppliers and contractors: the biennial mailing of the code, confirmations, reminders and escalation."""
