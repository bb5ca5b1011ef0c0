"""The till and the centre's use cases: checkout, completion, tills and shifts, refunds, reports,
consignment.

It orchestrates inventory and payments; they never import it.
"""
