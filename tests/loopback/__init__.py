"""Loopback stand-ins for Exchange (EWS) and Microsoft Graph, bound to 127.0.0.1 only."""
