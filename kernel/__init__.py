"""The shared kernel: money, time, errors and the words people read, access, the audit log,
and the database (``kernel.db``: the engine, the one write path, bulk inserts, backups).

It imports nothing from the domains (inventory, payments, pos) or the web layer.
"""
