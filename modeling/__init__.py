"""Training, inference and monitoring for the loan-default model (no web imports)."""
