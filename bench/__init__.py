"""`make bench`: speed and memory of the toolkit beside the floor (the raw library on the same data)."""
