"""New staff (indiensttreding): when the code is sent and what is behind. Pure rules, no I/O."""
