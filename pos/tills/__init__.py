"""Tills and shifts: the drawer's cash, the X and Z reports, the catalogue a till loads."""
