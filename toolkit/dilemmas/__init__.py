"""Dilemmas recorded and shared without names; integrity on the agenda of team meetings, the MT, the RvC and staff."""
