"""The engine's logic with a small deterministic embedder: no Flask, no database, no model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from matching import passages
from matching.dense import top_k
from matching.documents import Document
from matching.engine import SHORTLIST, Engine, LateInteraction, Weights, min_max
from matching.evaluate import BadDataset, length_of, load, mrr_at, ndcg_at, recall_at, run
from matching.fake import HashingEmbedder
from matching.lexical import BM25, analyse

CORPUS = [
    Document(
        "falls",
        "Night falls sensor",
        "A radar sensor notices when an older person falls at night and alerts a responder.",
        frozenset({"Frailty"}),
        "market_ready",
    ),
    Document(
        "rota",
        "Bank shift booking",
        "Nurses receive short-notice bank shift offers on their phones.",
        frozenset({"Workforce"}),
        "evidence",
    ),
    Document(
        "asthma",
        "Asthma plan for families",
        "Children with asthma keep their plan and trigger diary on a phone.",
        frozenset({"Children and young people"}),
        "piloted",
    ),
]


@pytest.fixture(scope="module")
def engine():
    return Engine(CORPUS, HashingEmbedder())


def test_stemming_and_stop_words():
    assert analyse("The older people were falling at nights") == ["older", "peopl", "fall", "night"]


def test_bm25_prefers_documents_sharing_rare_words():
    bm25 = BM25([d.full_text for d in CORPUS])

    scores = bm25.scores("an older person falling at night")

    assert int(np.argmax(scores)) == 0
    assert bm25.scores("zebra").tolist() == [0.0, 0.0, 0.0]


def test_shared_terms_are_the_querys_own_words_rarest_first():
    bm25 = BM25([d.full_text for d in CORPUS])

    terms = bm25.shared_terms(
        "Residents falling at night, and the older residents", CORPUS[0].full_text
    )

    assert terms[0] in {"falling", "night"} and set(terms) == {"falling", "night", "older"}


def test_shared_phrases_lead_and_hyphenated_words_stay_whole():
    bm25 = BM25(
        [
            "Home blood pressure readings after pre-eclampsia, sent to the midwife.",
            "A guide to the early signs of a pressure ulcer.",
        ]
    )
    need = "New mothers with pre-eclampsia need their blood pressure checked at home."

    to_monitor = bm25.shared_terms(need, "Home blood pressure readings after pre-eclampsia.")
    to_ulcers = bm25.shared_terms(need, "A guide to the early signs of a pressure ulcer.")

    assert to_monitor[0] == "blood pressure" and "pre-eclampsia" in to_monitor
    assert "pre" not in to_monitor and "pressure" not in to_monitor
    assert to_ulcers == ["pressure"]


def test_words_most_documents_use_are_not_shown_in_common():
    corpus = [f"People at home use sensor model {i}" for i in range(20)] + [
        "People at home with a falls radar"
    ]
    bm25 = BM25(corpus)

    assert bm25.shared_terms("Falls among people at home", corpus[-1]) == ["falls"]
    assert bm25.shared_terms("A fall, and then falls", corpus[-1]) == ["fall"]  # one spelling


@pytest.mark.parametrize("method", ["lexical", "dense", "hybrid"])
def test_every_method_finds_the_obvious_fit(engine, method):
    query = Document("q", "Falls at night", "Older people who fall at night lie undiscovered.")

    assert engine.rank(query, k=3, method=method)[0].id == "falls"


def test_matches_carry_their_components(engine):
    query = Document(
        "q",
        "Shift gaps",
        "Filling short-notice nursing shifts from the bank.",
        frozenset({"Workforce"}),
        "piloted",
    )

    [best] = engine.rank(query, k=1)

    assert best.id == "rota"
    assert set(best.components) == {"dense", "lexical", "themes", "maturity"}
    assert best.components["themes"] == 1.0 and best.components["maturity"] == 1.0


def test_only_the_allowed_candidates_are_ranked(engine):
    query = Document("q", "Falls at night", "Older people who fall at night lie undiscovered.")

    ranked = engine.rank(query, k=3, only={"rota", "asthma", "unknown"})

    assert {m.id for m in ranked} == {"rota", "asthma"}
    assert engine.rank(query, k=3, only=set()) == []


def test_stored_query_vectors_are_used_instead_of_encoding(engine):
    query = Document("q", "Anything", "words that match nothing in the corpus")
    vectors = engine.index.vectors[1:2]  # the bank shift passage itself

    [best] = engine.rank(query, k=1, method="dense", query_vectors=vectors)

    assert best.id == "rota" and best.components["dense"] > 0.99


def test_maturity_fit_reads_the_wanting_side_in_both_directions(engine):
    wants_market_ready = Document("c", "Falls", "falls", maturity="market_ready", kind="challenge")
    offers_piloted = Document("s", "Asthma", "asthma", maturity="piloted", kind="solution")
    challenges = Engine([wants_market_ready], HashingEmbedder())

    [solution_side] = engine.rank(wants_market_ready, k=3, only={"asthma"})
    [challenge_side] = challenges.rank(offers_piloted, k=1)

    assert solution_side.components["maturity"] == challenge_side.components["maturity"] == 0.0
    assert engine.rank(wants_market_ready, only={"falls"})[0].components["maturity"] == 1.0


def test_empty_and_foreign_queries_do_not_fail(engine):
    for text in ("", "   ", "Gwella gofal i bobl hŷn", "🙂" * 100):
        assert len(engine.rank(Document("q", "", text), k=3)) == 3


def test_a_one_megabyte_text_is_split_indexed_and_ranked():
    huge = "An older person falls at night and waits for help. " * 20_000  # 1 MB
    embedder = HashingEmbedder(max_tokens=256)
    engine = Engine([*CORPUS, Document("huge", "Night falls log", huge)], embedder)

    ranked = engine.rank(Document("q", "Falls", huge), k=2, explain=True)

    owned = engine.index.owners[engine.index.owners == 3].size
    assert len(huge) >= 1_000_000 and owned > 100
    assert all(embedder.count_tokens(p) <= 256 for p in engine.passage_texts)
    assert ranked[0].id == "huge" and "older person falls" in ranked[0].shared_terms


def test_long_texts_become_passages_within_the_window():
    embedder = HashingEmbedder(max_tokens=20)
    text = " ".join(f"Sentence number {i} says something useful." for i in range(50))

    parts = passages.split("Title", text, embedder.count_tokens, embedder.max_tokens)

    assert len(parts) > 5
    assert all(p.startswith("Title\n") for p in parts)
    assert all(embedder.count_tokens(p) <= 20 for p in parts)
    assert "Sentence number 49" in parts[-1]


def test_a_sentence_longer_than_the_window_is_cut_into_runs():
    embedder = HashingEmbedder(max_tokens=10)
    parts = passages.split("", "word " * 100, embedder.count_tokens, embedder.max_tokens)

    assert all(embedder.count_tokens(p) <= 10 for p in parts)
    assert sum(len(p.split()) for p in parts) == 100


def test_top_k_and_normalisation():
    scores = np.array([0.1, 0.9, 0.5, 0.7], dtype=np.float32)

    assert top_k(scores, 2).tolist() == [1, 3]
    assert top_k(scores, 10).tolist() == [1, 3, 2, 0]
    assert min_max(np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    assert min_max(np.array([1.0, 3.0, 2.0])).tolist() == [0.0, 1.0, 0.5]


def test_an_empty_corpus_ranks_nothing():
    assert Engine([], HashingEmbedder()).rank(Document("q", "t", "text")) == []


def test_metrics_on_known_rankings():
    relevant = {"a": 1, "c": 1}

    assert ndcg_at(["a", "c", "b"], relevant) == pytest.approx(1.0)
    assert mrr_at(["b", "c", "a"], relevant) == pytest.approx(0.5)
    assert recall_at(["b", "a"], relevant) == pytest.approx(0.5)


def make_beir(folder, corpus=CORPUS, queries=None, qrels=None):
    (folder / "qrels").mkdir(parents=True)
    (folder / "corpus.jsonl").write_text(
        "\n".join(
            json.dumps(
                {
                    "_id": d.id,
                    "title": d.title,
                    "text": d.text,
                    "metadata": {"themes": sorted(d.themes)},
                }
            )
            for d in corpus
        )
    )
    queries = queries or [
        {"_id": "q1", "text": "sensor for falls at night"},
        {"_id": "q2", "text": "asthma plan for children"},
    ]
    (folder / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries))
    qrels = qrels or "query-id\tcorpus-id\tscore\nq1\tfalls\t1\nq2\tasthma\t1\n"
    (folder / "qrels" / "test.tsv").write_text(qrels)
    return folder


def test_evaluate_gives_perfect_scores_on_an_easy_folder(tmp_path):
    dataset = load(make_beir(tmp_path))

    results = run(dataset, Engine(dataset.corpus, HashingEmbedder()))

    assert results["lexical"] == {
        "ndcg@10": 1.0,
        "mrr@10": 1.0,
        "recall@100": 1.0,
        "by_length": {"up to 20 words": {"queries": 2, "ndcg@10": 1.0}},
    }
    assert results["hybrid"]["ndcg@10"] == 1.0
    assert dataset.corpus[0].themes == frozenset({"Frailty"})


@pytest.mark.parametrize(
    ("qrels", "message"),
    [
        ("query-id\tcorpus-id\tscore\nq1\tfalls\n", "test.tsv, line 2: expected"),
        ("query-id\tcorpus-id\tscore\nq1\tfalls\tyes\n", "line 2: score 'yes'"),
        ("query-id\tcorpus-id\tscore\n", "has no judgements"),
    ],
)
def test_a_corrupt_folder_names_the_file_and_line(tmp_path, qrels, message):
    make_beir(tmp_path, qrels=qrels)

    with pytest.raises(BadDataset, match=message):
        load(tmp_path)


def test_corrupt_json_names_the_line(tmp_path):
    make_beir(tmp_path)
    with (tmp_path / "corpus.jsonl").open("a") as corpus:
        corpus.write("\n{not json")

    with pytest.raises(BadDataset, match=r"corpus.jsonl, line 4: not valid JSON"):
        load(tmp_path)


def test_weights_shift_the_blend():
    engine = Engine(
        CORPUS, HashingEmbedder(), Weights(dense=0, late=0, lexical=1, themes=0, maturity=0)
    )
    query = Document("q", "", "radar responder")

    assert engine.rank(query, k=1)[0].components["lexical"] > 0


def _late_for(winner: str, asked: list):
    """Late interaction in which ``winner``'s sentences are the query's own and nobody else
    has any; ``asked`` records which ids the engine asked for."""
    query_sentences = HashingEmbedder().encode(["older people fall", "at night"])

    def source(ids):
        asked.extend(ids)
        return {i: query_sentences for i in ids if i == winner}

    return LateInteraction(query_sentences, source)


def test_late_interaction_reorders_the_shortlist():
    engine = Engine(CORPUS, HashingEmbedder(), Weights(dense=0, late=1, lexical=0.1, themes=0))
    query = Document("q", "", "An older person falls at night")
    asked = []

    first_stage = engine.rank(query, k=3)
    second = engine.rank(query, k=3, late=_late_for("asthma", asked))

    assert first_stage[0].id == "falls" and "late" not in first_stage[0].components
    assert second[0].id == "asthma" and second[0].components["late"] > 0.99
    assert second[1].components["late"] == -1.0  # no sentences: no late interaction
    assert sorted(asked) == ["asthma", "falls", "rota"]


def test_only_the_shortlist_is_given_late_interaction():
    corpus = [Document(f"d{i}", f"Sensor {i}", f"A falls sensor, model {i}.") for i in range(40)]
    engine = Engine(corpus, HashingEmbedder())
    asked = []

    ranked = engine.rank(Document("q", "", "falls sensor"), k=40, late=_late_for("d1", asked))

    assert len(asked) == SHORTLIST
    assert sum("late" in m.components for m in ranked) == SHORTLIST
    assert all("late" in m.components for m in ranked[:SHORTLIST])


def test_one_fit_scores_as_it_ranks():
    engine = Engine(CORPUS, HashingEmbedder())
    query = Document("q", "", "An older person falls at night")

    ranked = {m.id: m.score for m in engine.rank(query, k=3, late=_late_for("rota", []))}
    alone = engine.match_of(query, "rota", late=_late_for("rota", []))

    assert alone.score == pytest.approx(ranked["rota"])


def test_queries_are_grouped_by_the_words_bm25_reads():
    title = Document("q", "", "Falls at night in care homes")
    need = Document("q", "", " ".join(f"word{i}" for i in range(21)) + " and the of")

    assert (length_of(title), length_of(need)) == ("up to 20 words", "over 20 words")


def test_a_fit_keeps_its_position_and_the_features_its_score_is_made_of():
    corpus = [  # every document different, so no two fits tie
        Document(f"d{i}", "Sensor", f"{'falls ' * (i + 1)}sensor {'older ' * (40 - i)}")
        for i in range(40)
    ]
    engine = Engine(corpus, HashingEmbedder())
    query = Document("q", "", "falls sensor for older people")
    weights = engine.weights

    ranked = engine.rank(query, k=40, late=_late_for("d1", []))
    alone = {
        m.id: engine.match_of(query, m.id, late=_late_for("d1", []))
        for m in (ranked[0], ranked[5], ranked[35])
    }

    assert [m.position for m in ranked] == list(range(1, 41))
    for match in ranked:
        blended = sum(getattr(weights, name) * value for name, value in match.features.items())
        assert blended == pytest.approx(match.score, abs=1e-5)
    for match in (ranked[0], ranked[5], ranked[35]):  # in the shortlist, and outside it
        assert alone[match.id].position == match.position
