"""The double-entry ledger: postings, their rules, entrepreneurs' balances and the payout tables."""
