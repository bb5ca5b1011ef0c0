"""The centre's sales reports as pages, tables and charts."""
