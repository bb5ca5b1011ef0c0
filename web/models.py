"""Imports every table so that the metadata (and Alembic) sees the whole schema."""

import inventory.models
import kernel.audit
import kernel.db
import payments.ledger_models
import payments.models
import payments.payout_models
import pos.models
import web.accounts

metadata = kernel.db.Base.metadata

__all__ = ["inventory", "kernel", "metadata", "payments", "pos", "web"]
