"""Entrepreneurs' accounts over HTTP: balances, statements, the portal and payout runs."""
