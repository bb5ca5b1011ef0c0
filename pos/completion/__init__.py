"""Completing sales: a paid sale gets its receipt number and its ledger entry; money left over is
resolved."""
