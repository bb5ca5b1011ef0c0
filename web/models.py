"""Imports every table so that the metadata (and Alembic) sees the whole schema."""

import inventory.bank_account_models
import inventory.deliveries.models
import inventory.models
import inventory.return_note_models
import kernel.audit
import kernel.db.engine
import payments.ledger.models
import payments.ledger.payout_models
import payments.models
import pos.consignment.notice_models
import pos.models
import pos.tax_invoices.models
import web.accounts.users

metadata = kernel.db.engine.Base.metadata

__all__ = ["inventory", "kernel", "metadata", "payments", "pos", "web"]
