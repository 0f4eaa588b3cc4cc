from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.chain import ReviewChain  # noqa: E402
from assistant.knowledge import Knowledge, load_knowledge  # noqa: E402
from assistant.retrieval import KnowledgeIndex, build_index  # noqa: E402
from assistant.settings import REPO_ROOT, Settings  # noqa: E402
from tests.fakes import FakeToolModel  # noqa: E402
from tests.small_knowledge import write_small_knowledge  # noqa: E402


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(REPO_ROOT / "knowledge")


@pytest.fixture(scope="session")
def small_knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trimmed knowledge folder for tests of the index's mechanics (see ``tests.small_knowledge``)."""
    return write_small_knowledge(REPO_ROOT / "knowledge", tmp_path_factory.mktemp("knowledge"))


@pytest.fixture(scope="session")
def small_knowledge(small_knowledge_dir: Path) -> Knowledge:
    return load_knowledge(small_knowledge_dir)


def _index_once(tmp_path_factory: pytest.TempPathFactory, name: str, knowledge: Knowledge) -> KnowledgeIndex:
    """An index with fake embeddings in its own session folder."""
    root = tmp_path_factory.mktemp(name)
    s = Settings(cache_dir=root / "cache", chroma_dir=root / "chroma", team_examples_file=root / "team.yaml")
    return build_index(s, knowledge, DeterministicFakeEmbedding(size=64))


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory, small_knowledge: Knowledge) -> KnowledgeIndex:
    """An index over the trimmed knowledge, for tests that save team examples and reload (each reload rebuilds)."""
    return _index_once(tmp_path_factory, "small-index", small_knowledge)


@pytest.fixture
def small_settings(settings: Settings, small_knowledge_dir: Path) -> Settings:
    """The test's settings reading the trimmed knowledge: a reload rebuilds in about a second, not 20-40."""
    return settings.model_copy(update={"knowledge_dir": small_knowledge_dir})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        cache_dir=tmp_path / "cache",
        chroma_dir=tmp_path / "chroma",
        team_examples_file=tmp_path / "team.yaml",
        team_metrics_file=tmp_path / "metrics.yaml",
    )


@pytest.fixture(autouse=True)
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own result cache: nothing is read from or written to the user's ~/.cache."""
    monkeypatch.setenv("OKR_RESULT_CACHE_DIR", str(tmp_path_factory.mktemp("results")))


@pytest.fixture
def fake_embeddings() -> DeterministicFakeEmbedding:
    return DeterministicFakeEmbedding(size=64)


@pytest.fixture(scope="session")
def shared_index(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> KnowledgeIndex:
    """Built once per run: the catalogue makes the index tens of thousands of documents."""
    return _index_once(tmp_path_factory, "shared-index", knowledge)


@pytest.fixture
def index(shared_index: KnowledgeIndex) -> KnowledgeIndex:
    return shared_index


@pytest.fixture
def fake_model() -> FakeToolModel:
    return FakeToolModel()


@pytest.fixture
def chain(fake_model: FakeToolModel, index: KnowledgeIndex, settings: Settings) -> ReviewChain:
    return ReviewChain(fake_model, index, settings, model_label="fake")


@pytest.fixture(autouse=True)
def _private_temp_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Download folders and other temp files a test makes land in its own tmp_path, not in the machine's /tmp."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
