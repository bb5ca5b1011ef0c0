"""What the centre holds: the catalogue (entrepreneurs, products, places), stock, and
spreadsheets."""
