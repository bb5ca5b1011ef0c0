"""The centre's sales reports and the periods they cover."""
