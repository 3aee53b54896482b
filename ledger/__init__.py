"""The ledger: aggregates, their events and rules, and the application that records them."""
