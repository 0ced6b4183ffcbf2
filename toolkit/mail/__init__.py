"""The mail seam: one small backend protocol, raw MIME everywhere, exactly-once sending."""
