"""Matches in the product: stored passage vectors, feedback on fits, and their pages and API.

The engine itself lives in ``matching/`` and knows nothing of this; ``matching/adapter.py``
translates between the two.
"""
