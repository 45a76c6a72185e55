"""The matching engine: ranks fits between needs and solutions, both ways, with reasons.

Pure Python, NumPy, scikit-learn and sentence-transformers; no Flask and none of our models
(only ``matching/adapter.py`` will know those).
"""
