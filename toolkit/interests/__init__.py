"""Interests and private transactions (belangen.xlsx) and the yearly attestation round."""
