"""``make bench``: every benchmark, each printing a table."""
