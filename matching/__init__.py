"""The matching engine: ranks fits between needs and solutions, both ways, with reasons.

Pure Python, NumPy, SciPy, scikit-learn and sentence-transformers; no Flask, no database and
none of our models (``tests/matching/test_boundary.py`` fails if that changes). The product's
side of it lives in ``marketplace/matches``.
"""
