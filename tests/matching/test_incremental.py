"""An engine changed one document at a time ranks exactly as one built afresh on the same
documents, and a saved engine loads back the same, or not at all."""

from __future__ import annotations

import numpy as np
import pytest

from matching import store
from matching.documents import Document
from matching.engine import Engine
from matching.fake import HashingEmbedder
from tests.matching.test_engine import CORPUS

QUERIES = [
    Document("q1", "Falls at night", "Older people fall at home at night.", frozenset({"Frailty"})),
    Document("q2", "Nurse rota gaps", "Fill bank shifts for nurses quickly.", maturity="evidence"),
    Document(
        "q3", "Asthma in children", "Inhaler plan for a child.", kind="solution", maturity="idea"
    ),
]
EDITED_ROTA = Document(
    "rota",
    "Bank shift booking for care homes",
    "Care home managers fill night shifts from a bank of staff.",
    frozenset({"Workforce", "Frailty"}),
    "market_ready",
)
NEW = Document(
    "wound", "Wound photos", "District nurses photograph wounds at home.", frozenset({"Frailty"})
)


def _ranking(engine: Engine, method: str) -> list[tuple[str, float]]:
    found = []
    for query in QUERIES:
        found += [(m.id, round(m.score, 5)) for m in engine.rank(query, k=5, method=method)]
    return found


@pytest.mark.parametrize("method", ["lexical", "dense", "hybrid"])
def test_changes_rank_as_a_fresh_build_of_the_same_documents(method):
    embedder = HashingEmbedder()
    engine = Engine(CORPUS, embedder)
    before = _ranking(engine, method)

    changed = engine.changed([(EDITED_ROTA, None), (NEW, None)], removals=["asthma"])
    fresh = Engine([CORPUS[0], EDITED_ROTA, NEW], embedder)

    assert _ranking(changed, method) == _ranking(fresh, method)
    assert _ranking(engine, method) == before  # the old engine is left as it was
    assert changed.n_documents == 3 and engine.n_documents == 3


def test_a_document_changed_twice_keeps_only_its_latest_passages():
    embedder = HashingEmbedder()
    engine = Engine(CORPUS, embedder).changed([(EDITED_ROTA, None)])
    engine = engine.changed([(CORPUS[1], None)])

    assert int((engine.index.tail_owners == 1).sum()) == len(
        Engine([CORPUS[1]], embedder).passage_texts
    )
    assert _ranking(engine, "hybrid") == _ranking(Engine(CORPUS, embedder), "hybrid")


def test_a_saved_engine_loads_back_memory_mapped_and_ranks_the_same(tmp_path):
    embedder = HashingEmbedder()
    engine = Engine(CORPUS, embedder).changed([(EDITED_ROTA, None), (NEW, None)], ["asthma"])

    store.save(engine, tmp_path / "snap", {"generation": 7})
    loaded, meta = store.load(tmp_path / "snap", embedder)

    assert meta == {"generation": 7}
    assert isinstance(loaded.index.vectors, np.memmap)
    assert loaded.index.tail_owners.size == 0  # the tail was merged into the saved matrix
    assert _ranking(loaded, "hybrid") == _ranking(engine, "hybrid")
    again = loaded.changed([(CORPUS[2], None)])
    assert _ranking(again, "hybrid") == _ranking(
        Engine([CORPUS[0], EDITED_ROTA, CORPUS[2], NEW], embedder), "hybrid"
    )


@pytest.mark.parametrize("damage", ["flip", "truncate", "remove", "manifest"])
def test_a_damaged_snapshot_is_refused(tmp_path, damage):
    embedder = HashingEmbedder()
    folder = store.save(Engine(CORPUS, embedder), tmp_path / "snap", {})
    target = folder / ("manifest.json" if damage == "manifest" else "passages.npy")
    data = bytearray(target.read_bytes())
    if damage == "flip":
        data[-1] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "truncate":
        target.write_bytes(bytes(data[: len(data) // 2]))
    elif damage == "remove":
        target.unlink()
    else:
        target.write_text("{not json")

    with pytest.raises(store.BadSnapshot):
        store.load(folder, embedder)


def test_filters_are_kept_per_slot_and_survive_a_save(tmp_path):
    embedder = HashingEmbedder()
    flagged = [
        Document(d.id, d.title, d.text, d.themes, d.maturity, filters={"state": i})
        for i, d in enumerate(CORPUS)
    ]
    engine = Engine(flagged, embedder)
    engine = engine.changed([(Document("new", "t", "x", filters={"state": 9}), None)])
    loaded, _ = store.load(store.save(engine, tmp_path / "s", {}), embedder)

    assert loaded.facts.filters["state"].tolist() == [0, 1, 2, 9]
    allowed = loaded.facts.filters["state"] >= 2
    assert [m.id for m in loaded.rank(QUERIES[0], k=5, allowed=allowed)] == ["asthma", "new"] or {
        m.id for m in loaded.rank(QUERIES[0], k=5, allowed=allowed)
    } == {"asthma", "new"}


def test_the_big_arrays_of_a_loaded_engine_are_shared_maps_of_its_files(tmp_path):
    embedder = HashingEmbedder()
    folder = store.save(Engine(CORPUS, embedder), tmp_path / "snap", {})

    loaded, _ = store.load(folder, embedder)

    for array, name in (
        (loaded.index.vectors, "passages"),
        (loaded.lexical.base.data, "postings_data"),
        (loaded.lexical.base.indices, "postings_indices"),
    ):
        mapped = np.load(folder / f"{name}.npy", mmap_mode="r")
        assert _maps_a_file(array), name
        assert not array.flags.writeable, name
        assert np.array_equal(array, mapped), name


def _maps_a_file(array) -> bool:
    while array is not None:
        if isinstance(array, np.memmap):
            return True
        array = getattr(array, "base", None)
    return False
