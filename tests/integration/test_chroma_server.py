"""Chroma as a shared server (OKR_CHROMA_HOST/PORT): a real `chroma run` on loopback, same code path."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant.knowledge import load_knowledge
from assistant.retrieval import build_index
from assistant.settings import REPO_ROOT, Settings
from tests.browser.conftest import free_port

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(exe), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import chromadb

        for _ in range(100):
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_on_a_chroma_server(chroma_server: int, tmp_path: Path) -> None:
    settings = Settings(chroma_host="127.0.0.1", chroma_port=chroma_server, cache_dir=tmp_path)
    knowledge = load_knowledge(REPO_ROOT / "knowledge")
    emb = DeterministicFakeEmbedding(size=32)
    first = build_index(settings, knowledge, emb)
    second = build_index(settings, knowledge, emb)  # a second team member: reuses the shared index
    assert first.rebuilt and not second.rebuilt
    assert second.store._collection.count() == second._n_docs  # cards, examples, and several docs per metric
    found = second.retrieve("Launch a podcast", 2, 5, 8)
    assert len(found.examples) == 5 and len(found.metrics) == 8
