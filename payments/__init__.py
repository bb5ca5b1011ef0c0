"""Money coming in and going out: PromptPay, the payment lifecycle, the ledger and payouts."""
