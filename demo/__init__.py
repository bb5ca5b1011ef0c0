"""Demo data: the demo catalogue and a history of past sales, written through the domains' own
code."""
