"""Incoming webhooks from the shop platform and carriers: verify, store, process later."""
