"""Deliveries over HTTP: the API, the portal pages and the staff pages."""
