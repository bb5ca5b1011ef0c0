"""Checkout: a sale rung at the till, priced, written exactly once, read back, voided."""
