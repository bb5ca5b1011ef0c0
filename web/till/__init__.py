"""The till over HTTP: sales, shifts, refunds, receipts, and the till's own page."""
