"""Bulk runs, shared by the CLI, the Python API, the HTTP API and the app: many goals, one row each, in order.

Reading the input is ``assistant.bulk``; this module reviews it.

- **Concurrency**: with a served model, up to ``concurrency`` goals are with the model at once (a thread pool
  over ``ReviewChain.review_row``); rows still come out one per input, in input order, each as soon as it and
  every row before it are done. The embedded llama.cpp model reviews one goal at a time whatever is asked.
- **Cache**: a goal reviewed before (same text, objective, model, prompt, knowledge) is answered from
  ``ResultCache`` without calling the model.
- **Resume**: ``Journal`` appends each finished row to a JSON Lines file as it comes out; a later run over the
  same input keeps the rows already there and reviews only the rest.

>>> runner = Runner.for_settings(chain, settings, concurrency=4)   # doctest: +SKIP
>>> for row in runner.stream(items): print(row.kind)               # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bulk import as_input, review_item
from .cache import ResultCache, chain_identity, normalise, open_cache
from .errors import ConfigurationError
from .models import is_embedded
from .schemas import GoalItem, ReviewRow
from .settings import Settings

ProgressFn = Callable[[int, int], None]


def _as_item(item: str | GoalItem) -> GoalItem:
    return item if isinstance(item, GoalItem) else GoalItem(text=item)


@dataclass
class Runner:
    """Reviews goals with one chain: ``concurrency`` at once (served models), answered from ``cache`` when it can."""

    chain: Any  # ReviewChain (duck-typed so tests can pass their own)
    concurrency: int = 1
    cache: ResultCache | None = None
    notes: list[str] = field(default_factory=list)
    hits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def for_settings(
        cls, chain: Any, settings: Settings | None = None, concurrency: int | None = None, cache: bool | None = None
    ) -> Runner:
        """Concurrency and cache from the arguments, else from the settings (``OKR_CONCURRENCY``, ``OKR_CACHE``)."""
        settings = settings or chain.settings
        wanted = max(1, concurrency if concurrency is not None else settings.concurrency)
        notes: list[str] = []
        if wanted > 1 and is_embedded(chain.model):
            notes.append(
                f"the embedded model reviews one goal at a time; concurrency {wanted} applies to a served model "
                "(OKR_MODEL=openai:<model> with OPENAI_BASE_URL)"
            )
            wanted = 1
        store = open_cache(settings.result_cache_path) if (settings.cache if cache is None else cache) else None
        if store is not None:
            notes.extend(store.notes)
            if not store.enabled:
                store = None
        return cls(chain=chain, concurrency=wanted, cache=store, notes=notes)

    def _one(self, item: GoalItem, identity: dict[str, Any] | None) -> ReviewRow:
        key = ResultCache.key(identity, item) if self.cache is not None and identity is not None else None
        if key is not None:
            hit = self.cache.get(key)  # type: ignore[union-attr]
            if hit is not None:
                with self._lock:
                    self.hits += 1
                return as_input(hit, item)
        row = review_item(self.chain, item)
        if key is not None:
            self.cache.put(key, row)  # type: ignore[union-attr]
        return row

    def stream(
        self, items: Iterable[str | GoalItem], progress: ProgressFn | None = None, total: int | None = None
    ) -> Iterator[ReviewRow]:
        """Yield exactly one row per item, in input order, each as soon as it and all before it are done."""
        if total is None and isinstance(items, Sequence):
            total = len(items)
        identity = chain_identity(self.chain) if self.cache is not None else None
        for done, row in enumerate(self._ordered((_as_item(i) for i in items), identity), 1):
            if progress:
                progress(done, total or done)
            yield row

    def _ordered(self, items: Iterator[GoalItem], identity: dict[str, Any] | None) -> Iterator[ReviewRow]:
        if self.concurrency <= 1:
            for item in items:
                yield self._one(item, identity)
            return
        # A window of 2 x concurrency goals in flight: the workers stay busy while the oldest one finishes,
        # memory stays bounded for 10,000-goal inputs, and order is kept by always yielding the oldest first.
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="okr-review")
        pending: deque[Future[ReviewRow]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(self._one, item, identity))
                if len(pending) >= 2 * self.concurrency:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # also on Ctrl-C or a consumer that stops early: do not wait for goals nobody will read
            pool.shutdown(wait=False, cancel_futures=True)

    def rows(self, items: Iterable[str | GoalItem], progress: ProgressFn | None = None) -> list[ReviewRow]:
        return list(self.stream(items, progress))


def review_rows(
    chain: Any,
    items: Iterable[str | GoalItem],
    settings: Settings | None = None,
    *,
    concurrency: int | None = None,
    cache: bool | None = None,
    progress: ProgressFn | None = None,
) -> list[ReviewRow]:
    """One row per item, in order: the call behind ``review_many``, the roadmap tab and the HTTP API."""
    return Runner.for_settings(chain, settings, concurrency, cache).rows(list(items), progress)


# ------------------------------------------------------------------------------------------------- resume


def _same_goal(row: ReviewRow, item: GoalItem) -> bool:
    return normalise(row.goal) == normalise(item.text)


def read_rows(path: Path) -> list[ReviewRow]:
    """The complete rows of a JSON Lines file, which is left ready to append to.

    A last line cut off mid-write (no valid JSON) is removed from the file; a bad line before it is an error.
    """
    data = path.read_bytes()
    rows: list[ReviewRow] = []
    offset = good = 0
    lines = data.splitlines(keepends=True)
    for n, raw in enumerate(lines, 1):
        offset += len(raw)
        text = raw.decode("utf-8", errors="replace").strip()
        if text:
            try:
                rows.append(ReviewRow.model_validate(json.loads(text)))
            except (json.JSONDecodeError, ValueError) as exc:
                if n == len(lines):  # the last line was being written when the run stopped
                    break
                raise ConfigurationError(
                    f"{path} line {n} is not a review row ({exc.__class__.__name__}); it cannot be resumed"
                ) from exc
        good = offset
    with open(path, "r+b") as handle:
        handle.truncate(good)
        if good and not data[:good].endswith(b"\n"):
            handle.seek(good)
            handle.write(b"\n")
    return rows


def kept_rows(rows: list[ReviewRow], items: Sequence[GoalItem], where: Path) -> list[ReviewRow]:
    """The rows already written, checked against the input: row k must be the review of goal k."""
    if len(rows) > len(items):
        raise ConfigurationError(
            f"{where} holds {len(rows)} rows but the input has only {len(items)} goals: it belongs to another "
            "input; write to a new file"
        )
    for n, (row, item) in enumerate(zip(rows, items, strict=False), 1):
        if not _same_goal(row, item):
            raise ConfigurationError(
                f"{where} row {n} reviews '{row.goal[:60]}', but goal {n} of this input is '{item.text[:60]}': "
                "it belongs to another input; write to a new file"
            )
    return rows


class Journal:
    """Finished rows appended to a JSON Lines file as they come out (flushed and synced), for ``--resume``.

    ``resume=True`` keeps the rows already in the file (after checking they belong to ``items``); otherwise the
    file starts empty. ``seed`` offers rows found elsewhere (e.g. a finished ``.json`` output) when the file
    itself is missing.
    """

    def __init__(
        self, path: Path, items: Sequence[GoalItem], resume: bool, seed: list[ReviewRow] | None = None
    ) -> None:
        self.path = path
        self.kept: list[ReviewRow] = []
        if resume and path.exists():
            self.kept = kept_rows(read_rows(path), items, path)
        elif resume and seed:
            self.kept = kept_rows(seed, items, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle = open(path, "a" if resume and path.exists() else "w", encoding="utf-8")  # noqa: SIM115
        if resume and not path.stat().st_size and self.kept:
            for row in self.kept:
                self._write(row)

    def _write(self, row: ReviewRow) -> None:
        self._handle.write(json.dumps(row.model_dump(), ensure_ascii=False) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def append(self, row: ReviewRow) -> None:
        self._write(row)

    def close(self) -> None:
        self._handle.close()

    def discard(self) -> None:
        """The run finished and its real output is written: the journal is no longer needed."""
        self.close()
        self.path.unlink(missing_ok=True)


def journal_path(out: Path) -> Path:
    """Where ``okr roadmap --out OUT`` keeps its finished rows until OUT is written: ``OUT.partial.jsonl``."""
    return out.with_name(out.name + ".partial.jsonl")


def written_rows(out: Path) -> list[ReviewRow]:
    """Rows of a finished ``.json`` / ``.jsonl`` output, so resuming a run that completed reviews nothing again."""
    if not out.exists():
        return []
    if out.suffix.lower() == ".jsonl":
        return read_rows(out)
    if out.suffix.lower() == ".json":
        try:
            return [ReviewRow.model_validate(r) for r in json.loads(out.read_text(encoding="utf-8"))]
        except (json.JSONDecodeError, ValueError, TypeError):
            return []
    return []
