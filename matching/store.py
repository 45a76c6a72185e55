"""Save an engine to a folder and load it back, the passage matrix as a memory map.

A saved engine is plain NumPy files and JSON, written to a temporary folder and renamed into
place, so a reader never sees half a snapshot. The manifest records each file's SHA-256: a file
that does not match (a torn copy, a disk error, an edit) makes ``load`` refuse the whole
snapshot with ``BadSnapshot`` rather than rank with it. Every process that maps the same files
(the passage matrix and the lexical postings) shares their pages through the operating
system's cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

import numpy as np
from scipy import sparse

from matching.dense import PassageIndex
from matching.embedders import Embedder
from matching.engine import Engine, Facts, Weights
from matching.lexical import BM25

FORMAT = 1
MANIFEST = "manifest.json"


class BadSnapshot(ValueError):
    """The folder is not a complete, intact snapshot of this format."""


def save(engine: Engine, folder: Path, meta: dict) -> Path:
    """Write ``engine`` (with the caller's ``meta``, such as what it was built from) to
    ``folder``, replacing any snapshot there."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = folder.parent / f".{folder.name}.{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        arrays: dict[str, np.ndarray] = {}
        if engine.index is not None:
            arrays["passages"], arrays["owners"] = engine.index.merged()
        vocabulary, postings, lengths, live = engine.lexical.parts()
        arrays |= {
            "postings_data": postings.data.astype(np.float32),
            "postings_indices": postings.indices.astype(np.int32),
            "postings_indptr": postings.indptr.astype(np.int64),
            "lengths": lengths,
            "lexical_live": live,
            "live": engine.facts.live,
            "maturity": engine.facts.maturity,
            "kinds": engine.facts.kinds,
            "theme_counts": engine.facts.theme_counts,
        }
        themes = sorted(engine.facts.themes)
        if themes:
            arrays["themes"] = np.stack([engine.facts.themes[t] for t in themes])
        filters = sorted(engine.facts.filters)
        for name in filters:
            arrays[f"filter_{name}"] = engine.facts.filters[name]
        checksums = {}
        for name, values in arrays.items():
            np.save(scratch / f"{name}.npy", np.ascontiguousarray(values))
            checksums[f"{name}.npy"] = _digest(scratch / f"{name}.npy")
        for name, values in (("ids", engine.ids), ("vocabulary", vocabulary)):
            (scratch / f"{name}.json").write_text(json.dumps(values))
            checksums[f"{name}.json"] = _digest(scratch / f"{name}.json")
        manifest = {
            "format": FORMAT,
            "meta": meta,
            "slots": engine.n_slots,
            "dense": engine.index is not None,
            "themes": themes,
            "filters": filters,
            "checksums": checksums,
        }
        (scratch / MANIFEST).write_text(json.dumps(manifest, indent=1))
        retired = None
        if folder.exists():
            retired = folder.parent / f".{folder.name}.old.{uuid.uuid4().hex[:8]}"
            os.rename(folder, retired)
        os.rename(scratch, folder)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)  # open maps keep their pages
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return folder


def read_meta(folder: Path) -> dict:
    """The caller's meta from a snapshot's manifest, without checking or loading anything."""
    return _manifest(Path(folder))["meta"]


def load(
    folder: Path, embedder: Embedder | None, weights: Weights | None = None
) -> tuple[Engine, dict]:
    """The engine saved in ``folder`` and its meta. The passage matrix is memory-mapped
    read-only; every file is checked against the manifest first."""
    folder = Path(folder)
    manifest = _manifest(folder)
    for name, digest in manifest["checksums"].items():
        if not (folder / name).is_file() or _digest(folder / name) != digest:
            raise BadSnapshot(f"{folder / name} is missing or does not match its checksum")
    try:
        return _assemble(folder, manifest, embedder, weights), manifest["meta"]
    except (ValueError, KeyError, OSError) as error:
        raise BadSnapshot(f"{folder} could not be read: {error}") from None


def _assemble(folder, manifest, embedder, weights) -> Engine:
    def array(name: str, mmap: bool = False) -> np.ndarray:
        return np.load(folder / f"{name}.npy", mmap_mode="r" if mmap else None)

    ids = json.loads((folder / "ids.json").read_text())
    vocabulary = json.loads((folder / "vocabulary.json").read_text())
    n = manifest["slots"]
    if len(ids) != n:
        raise ValueError("ids and slots disagree")
    # The postings' entries stay memory-mapped too (SciPy keeps them as views), so the biggest
    # lexical arrays are shared between workers like the passage matrix.
    postings = sparse.csr_matrix(
        (
            array("postings_data", mmap=True),
            array("postings_indices", mmap=True),
            array("postings_indptr"),
        ),
        shape=(len(vocabulary), n),
    )
    lexical = BM25.from_parts(vocabulary, postings, array("lengths"), array("lexical_live"))
    facts = Facts(n)
    facts.live = array("live").copy()
    facts.maturity = array("maturity").copy()
    facts.kinds = array("kinds").copy()
    facts.theme_counts = array("theme_counts").copy()
    if manifest["themes"]:
        members = array("themes")
        facts.themes = {t: members[i].copy() for i, t in enumerate(manifest["themes"])}
    facts.filters = {name: array(f"filter_{name}").copy() for name in manifest["filters"]}
    index = None
    if manifest["dense"]:
        index = PassageIndex(array("passages", mmap=True), array("owners"), n)
    return Engine.from_parts(ids, lexical, facts, index, embedder, weights)


def _manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise BadSnapshot(f"{folder} has no readable manifest: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BadSnapshot(f"{folder} is not a snapshot of format {FORMAT}")
    return manifest


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
