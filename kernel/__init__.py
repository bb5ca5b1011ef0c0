"""The shared kernel: money, time, errors, access and the database base.

It imports nothing from the domains (inventory, payments, pos) or the web layer.
"""
