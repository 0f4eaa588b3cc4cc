"""The storage helper and its users: atomic replacement, locks across threads, the GGUF assembled once."""

from __future__ import annotations

import hashlib
import importlib.resources
import os
import tempfile
import threading
from pathlib import Path

import pytest

import assistant.models as models
from assistant.errors import ConfigurationError
from assistant.storage import DOWNLOADS_DIRNAME, atomic_write_text, atomic_writer, download_folder, locked, set_aside


@pytest.mark.parametrize(
    ("before", "text"),
    [(None, "new file\n"), ("old\n", "replaced\n"), ("old\n", ""), ("x" * 100_000, "ünïcode ✅\n")],
)
def test_atomic_write_text_replaces_whole_file(tmp_path: Path, before: str | None, text: str) -> None:
    path = tmp_path / "sub" / "f.yaml"
    if before is not None:
        path.parent.mkdir()
        path.write_text(before)
    atomic_write_text(path, text)
    assert path.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in path.parent.iterdir()) == ["f.yaml"]  # no temp file left


def test_failed_write_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_writer(path) as handle:
        handle.write("half")
        raise RuntimeError("crash mid-write")
    assert path.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["f.yaml"]


def test_locked_serialises_threads_and_is_reentrant(tmp_path: Path) -> None:
    path, inside, peak = tmp_path / "f.yaml", [0], [0]

    def work() -> None:
        for _ in range(20):
            with locked(path), locked(path):  # re-entrant in one thread
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
                inside[0] -= 1

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 1


def test_download_folders_share_one_home_and_old_ones_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old = download_folder("okr-roadmap-")
    (old / "roadmap_review.csv").write_text("x", encoding="utf-8")
    recent = download_folder("okr-set-")
    a_day_ago = old.stat().st_mtime - 2 * 24 * 3600
    os.utime(old, (a_day_ago, a_day_ago))
    stray = tmp_path / DOWNLOADS_DIRNAME / "notes.txt"
    stray.write_text("not a folder", encoding="utf-8")
    new = download_folder("okr-roadmap-")
    assert new.parent == recent.parent == tmp_path / DOWNLOADS_DIRNAME
    assert new.name.startswith("okr-roadmap-") and new != old
    assert not old.exists() and recent.exists() and stray.exists()


def test_set_aside_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "team.yaml"
    path.write_text("broken")
    kept = set_aside(path)
    assert not path.exists() and kept.read_text() == "broken" and kept.name.startswith("team.yaml.")
    assert kept.suffix == ".bak"


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Three small parts instead of the 22 real ones; records every time a part package is looked up."""
    chunks = [bytes([i]) * 300_000 for i in range(1, 4)]
    for i, chunk in enumerate(chunks, 1):
        (tmp_path / "parts" / f"p{i}" / "data").mkdir(parents=True)
        (tmp_path / "parts" / f"p{i}" / "data" / f"part{i:02d}.bin").write_bytes(chunk)
    lookups: list[str] = []

    def files(pkg: str) -> Path:
        lookups.append(pkg)
        return tmp_path / "parts" / f"p{pkg.rsplit('part', 1)[1]}"

    monkeypatch.setattr(importlib.resources, "files", files)
    monkeypatch.setattr(models, "LOCAL_PARTS", 3)
    monkeypatch.setattr(models, "LOCAL_GGUF_SHA256", hashlib.sha256(b"".join(chunks)).hexdigest())
    return lookups


def test_gguf_is_assembled_once_by_parallel_first_runs(tmp_path: Path, fake_parts: list[str]) -> None:
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(models.ensure_local_gguf(tmp_path))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    target = tmp_path / "models" / models.LOCAL_GGUF_NAME
    assert results == [target] * 4 and target.stat().st_size == 900_000
    assert len(fake_parts) == 3  # the parts were read by one thread; the others waited and reused the file
    assert target.with_suffix(".sha256").read_text().split() == [models.LOCAL_GGUF_SHA256, "900000"]
    assert not list(target.parent.glob("*tmp*"))
    assert models.ensure_local_gguf(tmp_path) == target


def test_gguf_with_wrong_checksum_leaves_nothing(
    tmp_path: Path, fake_parts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(models, "LOCAL_GGUF_SHA256", "0" * 64)
    with pytest.raises(ConfigurationError, match="force-reinstall"):
        models.ensure_local_gguf(tmp_path)
    assert sorted(p.name for p in (tmp_path / "models").iterdir() if not p.name.endswith(".lock")) == []
