"""BM25 with English stemming, on a scikit-learn sparse term matrix.

Measured on SciFact (issue 4): TF-IDF 0.628, BM25 0.662, BM25 with stemming 0.686 nDCG@10.
"""

from __future__ import annotations

import re

import numpy as np
import Stemmer
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

TOKEN = re.compile(r"(?u)\b\w\w+\b")
_stemmer = Stemmer.Stemmer("english")


def analyse(text: str) -> list[str]:
    """Lower-cased, stop words out, stemmed: 'Falls at night' → ['fall', 'night']."""
    words = [w for w in TOKEN.findall(text.lower()) if w not in ENGLISH_STOP_WORDS]
    return _stemmer.stemWords(words)


class BM25:
    """Okapi BM25 scores of queries against a fixed corpus (k1, b as in the usual defaults)."""

    def __init__(self, texts: list[str], k1: float = 1.2, b: float = 0.75):
        self.vectoriser = CountVectorizer(analyzer=analyse, dtype=np.float32)
        try:
            counts = self.vectoriser.fit_transform(texts).tocsr()
        except ValueError:  # no documents, or nothing but stop words: nothing can match
            self.idf = np.zeros(0, dtype=np.float32)
            self.weights = sparse.csr_matrix((0, len(texts)), dtype=np.float32)
            self.vocabulary = {}
            return
        n_docs = counts.shape[0]
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        average = lengths.mean() if n_docs else 1.0
        document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        self.idf = np.log1p((n_docs - document_frequency + 0.5) / (document_frequency + 0.5))
        # Term-frequency saturation and length normalisation, precomputed per stored entry.
        row_lengths = np.repeat(lengths, np.diff(counts.indptr))
        tf = counts.data
        counts.data = tf * (k1 + 1) / (tf + k1 * (1 - b + b * row_lengths / max(average, 1e-9)))
        self.weights = counts.T.tocsr().astype(np.float32)  # terms by documents
        self.vocabulary = self.vectoriser.vocabulary_

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for this query (zeros where no term is shared)."""
        terms = [self.vocabulary[t] for t in analyse(query) if t in self.vocabulary]
        if not terms:
            return np.zeros(self.weights.shape[1], dtype=np.float32)
        idf = sparse.csr_matrix(
            (self.idf[terms].astype(np.float32), (np.zeros(len(terms)), terms)),
            shape=(1, self.weights.shape[0]),
        )
        return np.asarray((idf @ self.weights).todense()).ravel()

    def shared_terms(self, query: str, document: str, limit: int = 5) -> list[str]:
        """Words of the query that the document also uses, rarest (most telling) first, as the
        query spelt them: 'falls at night' and 'fell at night-time' share 'falls' and 'night'."""
        doc_stems = set(analyse(document))
        found: dict[str, tuple[float, str]] = {}
        for word in TOKEN.findall(query):
            lower = word.lower()
            if lower in ENGLISH_STOP_WORDS or lower.isdigit():  # "25" explains nothing
                continue
            stem = _stemmer.stemWord(lower)
            if stem in doc_stems and stem in self.vocabulary and stem not in found:
                found[stem] = (float(self.idf[self.vocabulary[stem]]), lower)
        ranked = sorted(found.values(), key=lambda pair: -pair[0])
        return [word for _, word in ranked[:limit]]
