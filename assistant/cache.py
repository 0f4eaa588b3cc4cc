"""The result cache: a goal reviewed before is answered at once, across runs and processes.

A row is stored under a key made of everything that decides it: the normalised goal and objective, the model
(and the server it runs on), the prompt version (a hash of the prompt file), the knowledge fingerprint, the
package's code (so an upgrade never serves a row composed by older code), and the settings that shape retrieval
and the answer. Change
any of them and the old rows are simply never looked up again.

Storage is ``diskcache`` (SQLite underneath): safe for many threads and many processes at once, and a write
that is interrupted leaves the previous state. Only rows without an error are stored; a cache that cannot be
opened (read-only or damaged folder) turns itself off with a note instead of failing the run.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from .schemas import GoalItem, ReviewRow

CACHE_FORMAT = 1  # bump when ReviewRow changes shape
SIZE_LIMIT = 1 << 30  # 1 GiB; a row is ~2 KB, so about half a million goals before the oldest are evicted


def normalise(text: str | None) -> str:
    """The text as the key sees it: NFC and trimmed, exactly as the chain cleans a goal before review.

    Case and inner spacing are kept: the row repeats the goal (``goal``, ``initiative``, ``hypothesis``), so
    two goals share a row only when the chain would have seen the same text.
    """
    return unicodedata.normalize("NFC", text or "").strip()


@cache
def logic_version() -> str:
    """A hash of the package's code, prompt and data files: after any upgrade, rows are reviewed again, never stale.
    Read once per process."""
    return files_digest(Path(__file__).parent)


def files_digest(root: Path) -> str:
    """A hash of every code, prompt and data file under ``root`` (the sector short forms in ``short_forms.tsv``
    decide the ranking too), with their paths."""
    digest = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.yaml"), *root.rglob("*.tsv")]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def chain_identity(chain: Any) -> dict[str, Any]:
    """Everything about a chain that decides its answers, apart from the goal itself."""
    s = chain.settings
    model = chain.model
    return {
        "format": CACHE_FORMAT,
        "model": chain.model_label,
        "model_class": type(model).__name__,
        "model_name": getattr(model, "model_name", None) or getattr(model, "model", None),
        "model_path": getattr(model, "model_path", None),
        "base_url": getattr(model, "openai_api_base", None),
        "prompt": hashlib.sha256(chain.prompt.model_dump_json().encode()).hexdigest()[:16],
        "knowledge": chain.knowledge.fingerprint,
        "embedding": s.embedding_model,
        "logic": logic_version(),
        "settings": [s.guidance_k, s.examples_k, s.metrics_k, s.candidates_k, s.max_goal_chars, s.temperature],
        "ranking": [
            s.metric_choice,
            s.rank_definition_weight,
            s.rank_result_query_weight,
            s.rank_objective_weight,
            s.rank_lexical_weight,
        ],
        "max_tokens": s.max_tokens,
    }


class ResultCache:
    """Rows by key, on disk. ``get``/``put`` never raise: a broken cache only costs speed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.notes: list[str] = []
        self._cache: Any = None
        try:
            import diskcache

            folder.mkdir(parents=True, exist_ok=True)
            # least-recently-stored (diskcache's default): a read never writes, so readers never wait on writers
            self._cache = diskcache.Cache(str(folder), size_limit=SIZE_LIMIT)
        except Exception as exc:  # read-only folder, damaged database, missing package
            self.notes.append(f"the result cache at {folder} is off ({type(exc).__name__}: {exc})")

    @property
    def enabled(self) -> bool:
        return self._cache is not None

    @staticmethod
    def key(identity: dict[str, Any], item: GoalItem) -> str:
        payload = json.dumps(
            {"goal": normalise(item.text), "objective": normalise(item.objective), **identity}, sort_keys=True
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def get(self, key: str) -> ReviewRow | None:
        if self._cache is None:
            return None
        try:
            raw = self._cache.get(key)
            return ReviewRow.model_validate_json(raw) if raw else None
        except Exception:  # an unreadable entry is a miss
            return None

    def put(self, key: str, row: ReviewRow) -> None:
        if self._cache is None or row.error:
            return
        try:
            self._cache.set(key, row.model_dump_json())
        except Exception as exc:  # disk full, folder gone: keep reviewing without the cache
            self.notes.append(f"the result cache could not store a row ({type(exc).__name__}: {exc})")

    def __len__(self) -> int:
        return len(self._cache) if self._cache is not None else 0

    def clear(self) -> int:
        return int(self._cache.clear()) if self._cache is not None else 0

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()


_OPEN: dict[Path, ResultCache] = {}


def open_cache(folder: Path) -> ResultCache:
    """One ``ResultCache`` per folder per process (diskcache keeps a connection per thread inside it)."""
    folder = folder.expanduser().resolve()
    if folder not in _OPEN or not _OPEN[folder].enabled:
        _OPEN[folder] = ResultCache(folder)
    return _OPEN[folder]
