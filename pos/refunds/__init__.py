"""Refunds against a receipt, and how much of a line each gives back."""
