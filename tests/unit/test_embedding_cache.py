"""Document vectors are cached on disk by text: a rebuilt index embeds only what changed."""

from __future__ import annotations

from pathlib import Path

from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.retrieval import CachedEmbeddings


class Counting(DeterministicFakeEmbedding):
    calls: list[int] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(len(texts))
        return super().embed_documents(texts)


def test_only_new_texts_are_embedded_and_vectors_are_identical(tmp_path: Path) -> None:
    inner = Counting(size=8)
    inner.calls = []
    first = CachedEmbeddings(inner, tmp_path / "emb").embed_documents(["a", "b", "c"])
    again = CachedEmbeddings(inner, tmp_path / "emb")  # a new process: the disk cache persists
    second = again.embed_documents(["a", "b", "c", "d"])
    assert inner.calls == [3, 1]
    assert second[:3] == first
    assert second[3] == inner.embed_query("d")
