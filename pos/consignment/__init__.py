"""Entrepreneurs' accounts: who may see which, their portal, and paying them out."""
