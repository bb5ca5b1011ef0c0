"""Payments over HTTP: PromptPay, the bank's callback, the exceptions queue, the demo bank."""
