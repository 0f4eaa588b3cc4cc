"""Processes sharing one index folder never break each other; a damaged or read-only folder is handled.

The other process is a real subprocess on the same folder, as when the app and `okr review` run together.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from assistant import cli
from assistant.errors import ConfigurationError
from assistant.knowledge import Knowledge, load_knowledge
from assistant.retrieval import build_index
from assistant.settings import REPO_ROOT, Settings

TEAM = (
    "domain: team\nexamples:\n- {id: team-001, goal: Ship the partner hub, kind: output, metric: partner deals, "
    "rewrite: 'Raise partner deals from [baseline] to [target] by [deadline]', initiative: Ship the partner hub, "
    "why: A delivery.}\n"
)

# Another process with its own knowledge (a team file makes the fingerprint differ) on the same index folder.
OTHER = """
    import json, sys, time
    from pathlib import Path
    from langchain_core.embeddings import DeterministicFakeEmbedding
    from assistant.knowledge import load_knowledge
    from assistant.retrieval import build_index
    from assistant.settings import Settings
    root, team, action, start = Path(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
    s = Settings(cache_dir=root, chroma_dir=root / "chroma", team_examples_file=Path(team) if team else None)
    time.sleep(max(0.0, start - time.time()))
    index = build_index(s, load_knowledge(s.knowledge_dir, s.team_examples_file),
                        DeterministicFakeEmbedding(size=64))
    pruned = index.prune() if action == "prune" else []
    hits = index.retrieve("Launch the onboarding flow", 2, 3).ids
    print(json.dumps({"name": index.collection_name, "rebuilt": index.rebuilt, "pruned": pruned, "hits": hits}))
"""


@pytest.fixture(autouse=True)
def _small_knowledge(small_knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every process here reads the trimmed knowledge folder (``tests.small_knowledge``): the mechanics are the
    same, and an index over the whole catalogue took 30-50 s per build."""
    monkeypatch.setenv("OKR_KNOWLEDGE_DIR", str(small_knowledge_dir))


def other_process(root: Path, team: Path | None, action: str = "", start: float = 0.0) -> subprocess.Popen[str]:
    args = [str(root), str(team or ""), action, str(start)]
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(OTHER), *args],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str]) -> dict[str, object]:
    import json

    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err[-800:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture
def shared(tmp_path: Path) -> Settings:
    return Settings(cache_dir=tmp_path, chroma_dir=tmp_path / "chroma", team_examples_file=tmp_path / "none.yaml")


def test_process_with_other_knowledge_leaves_our_collection_alone(
    shared: Settings, small_knowledge: Knowledge, tmp_path: Path
) -> None:
    ours = build_index(shared, small_knowledge, DeterministicFakeEmbedding(size=64))
    (tmp_path / "team.yaml").write_text(TEAM)
    theirs = finish(other_process(tmp_path, tmp_path / "team.yaml"))
    assert theirs["name"] != ours.collection_name and theirs["rebuilt"]
    assert len(ours.retrieve("Launch the onboarding flow", 2, 3).ids) == 5  # still there, no rebuild needed
    assert ours.notes == []
    assert ours.other_collections() == [theirs["name"]]


def test_prune_keeps_the_current_collection_and_the_pruned_process_recovers(
    shared: Settings, small_knowledge: Knowledge, tmp_path: Path
) -> None:
    ours = build_index(shared, small_knowledge, DeterministicFakeEmbedding(size=64))
    (tmp_path / "team.yaml").write_text(TEAM)
    theirs = finish(other_process(tmp_path, tmp_path / "team.yaml", "prune"))
    assert theirs["pruned"] == [ours.collection_name]
    hits = ours.retrieve("Launch the onboarding flow", 2, 3).ids  # our collection is gone: rebuilt, then answered
    assert len(hits) == 5
    assert any("removed by another process" in n for n in ours.notes)
    assert ours.rebuilt


def test_parallel_builds_are_serialised(tmp_path: Path) -> None:
    start = time.time() + 5
    results = [finish(p) for p in [other_process(tmp_path, None, "", start) for _ in range(3)]]
    assert len({r["name"] for r in results}) == 1
    assert sorted(r["rebuilt"] for r in results) == [False, False, True]  # one built, the others waited and reused
    assert all(len(r["hits"]) == 5 for r in results)  # type: ignore[arg-type]


def test_corrupt_index_folder_is_moved_aside_and_rebuilt(tmp_path: Path, small_knowledge: Knowledge) -> None:
    chroma = tmp_path / "chroma"
    chroma.mkdir()
    (chroma / "chroma.sqlite3").write_bytes(b"not a database " * 500)
    settings = Settings(cache_dir=tmp_path, chroma_dir=chroma, team_examples_file=tmp_path / "none.yaml")
    index = build_index(settings, small_knowledge, DeterministicFakeEmbedding(size=64))
    assert len(index.retrieve("Launch the onboarding flow", 2, 3).ids) == 5
    assert index.rebuilt
    aside = list(tmp_path.glob("chroma.*.corrupt"))
    assert len(aside) == 1 and (aside[0] / "chroma.sqlite3").read_bytes().startswith(b"not a database")
    assert any("moved aside" in n and str(aside[0]) in n for n in index.notes)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """A folder nobody can write: chmod for normal users, the immutable flag for root (who ignores chmod)."""
    folder.chmod(0o555)
    immutable = False
    try:
        if os.access(folder, os.W_OK) and os.geteuid() == 0:
            chattr = shutil.which("chattr")
            if not chattr or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode:
                pytest.skip("running as root without chattr +i: cannot make a read-only folder")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(folder)], check=False)
        folder.chmod(0o755)


@pytest.mark.parametrize("existing_index", [False, True], ids=["fresh", "built-before"])
def test_read_only_cache_folder_is_one_clear_line(
    tmp_path: Path, small_knowledge: Knowledge, existing_index: bool
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    target = cache
    if existing_index:
        (cache / "chroma").mkdir()
        target = cache / "chroma"
    settings = Settings(cache_dir=cache, team_examples_file=tmp_path / "none.yaml")
    with read_only(target), pytest.raises(ConfigurationError) as err:
        build_index(settings, small_knowledge, DeterministicFakeEmbedding(size=64))
    message = str(err.value)
    assert "\n" not in message and "OKR_CHROMA_DIR" in message and "OKR_CACHE_DIR" in message
    assert str(cache) in message


def test_cli_index_prune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import assistant.retrieval as retrieval

    monkeypatch.setenv("OKR_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("OKR_TEAM_EXAMPLES_FILE", str(tmp_path / "team.yaml"))
    monkeypatch.setattr(retrieval, "get_embeddings", lambda s: DeterministicFakeEmbedding(size=64))
    (tmp_path / "team.yaml").write_text(TEAM)
    older = finish(other_process(tmp_path, None))["name"]  # built-in knowledge only: an older collection
    assert cli.main(["index"]) == 0
    out = capsys.readouterr().out
    assert "1 older collection(s) kept" in out and "okr index --prune" in out
    assert cli.main(["index", "--prune"]) == 0
    out = capsys.readouterr().out
    assert f"pruned 1 older collection(s): {older}" in out
    current = build_index(Settings(), load_knowledge(Settings().knowledge_dir, tmp_path / "team.yaml"))
    assert current.other_collections() == [] and not current.rebuilt  # the current one was kept
