"""Staff (and their relatives) renting or buying a home from the corporation: woonruimte.xlsx judged and reported."""
