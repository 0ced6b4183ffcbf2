"""Side functions (nevenfuncties): the integrity code's rules for one register row. Pure rules, no I/O."""
