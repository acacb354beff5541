"""The built-in default dataset: a seeded generator of realistic synthetic loans.

It reproduces the real file's schema, marginals, null pattern, oddities, target leakage
and drift from aggregate statistics only (quantiles and shares); no real row is stored.
"""
from modeling.synthetic.generator import DEFAULT_ROWS, DEFAULT_SEED, generate_loans

__all__ = ["DEFAULT_ROWS", "DEFAULT_SEED", "generate_loans"]
