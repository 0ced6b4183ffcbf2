"""The Christmas raffle (kerstloting): a fair, reproducible and verifiable draw."""
