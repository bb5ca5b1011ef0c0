"""Deliveries an entrepreneur announces from the portal, the new products they propose with
them, and the centre receiving the goods by scanning against the announcement."""
