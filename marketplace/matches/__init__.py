"""Matches in the product: the engine's index kept current in every process, stored vectors,
feedback on fits, and their pages and API.

The engine itself lives in ``matching/`` and knows nothing of this package. Here:
``documents`` turns challenges and solutions into engine documents; ``vectors`` stores their
vectors; ``feed`` stamps changes for every process to follow; ``live`` holds each process's
index (snapshot, catch-up); ``candidates`` says what may match; ``ranking`` turns matches into
explained fits; ``queries`` and ``services`` are what pages and the API call.
"""
