"""The Python API: ``from assistant import review``. Builds the default chain once per process."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from .chain import ProgressFn, ReviewChain
from .knowledge import load_knowledge
from .models import describe_model, get_chat_model
from .retrieval import KnowledgeIndex, build_index, get_embeddings
from .schemas import GoalItem, Review, ReviewRow, SetReview

if TYPE_CHECKING:
    from .portfolio import PortfolioRow
from .settings import Settings, disable_telemetry

disable_telemetry()

_DEFAULT: dict[str, ReviewChain] = {}
_LOCK = threading.Lock()


def build_index_for(settings: Settings, embeddings: Embeddings | None = None) -> KnowledgeIndex:
    """Load ``knowledge/`` plus the team's own examples and open (or rebuild) the index."""
    knowledge = load_knowledge(settings.knowledge_dir, settings.team_examples_path, settings.team_metrics_path)
    return build_index(settings, knowledge, embeddings)


def build_chain(
    model: BaseChatModel | str | None = None,
    settings: Settings | None = None,
    embeddings: Embeddings | None = None,
) -> ReviewChain:
    """A ready chain. ``model`` is a chat model or a setting string (``local``, ``openai:gpt-4o-mini``...)."""
    settings = settings or Settings()
    spec = model if isinstance(model, str) else settings.model
    chat = model if isinstance(model, BaseChatModel) else get_chat_model(spec, settings)
    label = describe_model(spec) if not isinstance(model, BaseChatModel) else type(model).__name__
    return ReviewChain(chat, build_index_for(settings, embeddings), settings, model_label=label)


def get_chain(model: str | None = None, settings: Settings | None = None) -> ReviewChain:
    """The process-wide chain for a model setting (the UI and CLI share it; the model loads once)."""
    settings = settings or Settings()
    key = model or settings.model
    with _LOCK:
        if key not in _DEFAULT:
            _DEFAULT[key] = build_chain(key, settings)
        return _DEFAULT[key]


def review(goal: str, objective: str | None = None, *, model: str | None = None) -> Review:
    """Review one goal on the default (or named) model.

    >>> r = review("Launch the new onboarding flow")   # doctest: +SKIP
    >>> r.kind, r.rewrite                               # doctest: +SKIP
    ('output', 'Raise activation rate of new sign-ups from [baseline] to [target] by [deadline]')
    """
    return get_chain(model).review(GoalItem(text=goal, objective=objective))


def review_many(
    goals: Iterable[str | GoalItem],
    *,
    model: str | None = None,
    progress: ProgressFn | None = None,
    concurrency: int | None = None,
    cache: bool | None = None,
) -> list[ReviewRow]:
    """Review many goals: one ``ReviewRow`` per input, in order, failures carried in ``error``.

    ``concurrency`` goals go to a served model at once (default ``OKR_CONCURRENCY``; the embedded model takes
    one at a time); ``cache=False`` skips the result cache (default ``OKR_CACHE``).
    """
    from .runner import review_rows

    chain = get_chain(model)
    return review_rows(chain, goals, chain.settings, concurrency=concurrency, cache=cache, progress=progress)


def review_runnable(model: str | None = None) -> Any:
    """The chain as a LangChain Runnable (``.invoke`` / ``.batch`` / ``.stream``)."""
    return get_chain(model).as_runnable()


def set_review_of(chain: ReviewChain, rows: Sequence[ReviewRow]) -> SetReview:
    """The set review of rows a chain produced, with the chain's catalogue and the index's embedding model."""
    from .setreview import review_set_rows

    return review_set_rows(rows, chain.knowledge.catalogue, chain.index.embeddings)


def review_set(
    okr_set: str | Sequence[str | GoalItem | ReviewRow],
    *,
    model: str | None = None,
    concurrency: int | None = None,
    cache: bool | None = None,
) -> SetReview:
    """Review a whole OKR set: findings, a 0-100 score per key result, objective and set, and the rewritten set.

    ``okr_set`` is the pasted text (objectives with key results, bullets, a table), goals, or rows already
    reviewed (then no model is called).

    >>> s = review_set("Objective: Grow\\n- KR1: Launch referrals\\n- KR2: Raise activation")  # doctest: +SKIP
    >>> s.score, [f.kind for f in s.findings]                                           # doctest: +SKIP
    """
    from .roadmap import parse_roadmap
    from .setreview import review_set_rows

    if not isinstance(okr_set, str) and okr_set and all(isinstance(g, ReviewRow) for g in okr_set):
        settings = Settings()  # rows already reviewed: the catalogue and the embedding model, no chat model
        knowledge = load_knowledge(settings.knowledge_dir, settings.team_examples_path, settings.team_metrics_path)
        return review_set_rows(list(okr_set), knowledge.catalogue, get_embeddings(settings))  # type: ignore[arg-type]
    chain = get_chain(model)
    goals = parse_roadmap(okr_set, chain.settings.max_items_cli).items if isinstance(okr_set, str) else okr_set
    rows = review_many(goals, model=model, concurrency=concurrency, cache=cache)  # type: ignore[arg-type]
    return set_review_of(chain, rows)


def review_portfolio(sets: Mapping[str, str | Sequence[ReviewRow]], *, model: str | None = None) -> list[PortfolioRow]:
    """Per team and quarter: the share of outputs, average score, not controllable and no target counts.

    ``sets`` maps a label ('growth 2025-Q1') to a pasted set or its reviewed rows; rows with their own team and
    quarter (from a file's columns) are counted under those. Text is reviewed first; rows need no model.

    >>> table = review_portfolio({"growth 2025-Q1": q1_rows, "growth 2025-Q2": q2_rows})   # doctest: +SKIP
    >>> from assistant.portfolio import trends; trends(table)                               # doctest: +SKIP
    ['growth: outputs fell from 60% to 25%, average score rose from 40 to 71 (2025-Q1 -> 2025-Q2)']
    """
    from .portfolio import label_from_text, portfolio
    from .roadmap import parse_roadmap

    labelled: list[tuple[Sequence[ReviewRow], str, str]] = []
    for label, value in sets.items():
        team, quarter = label_from_text(label)
        if isinstance(value, str):
            value = review_many(parse_roadmap(value, Settings().max_items_cli).items, model=model)
        labelled.append((value, team, quarter))
    settings = Settings()
    catalogue = load_knowledge(
        settings.knowledge_dir, settings.team_examples_path, settings.team_metrics_path
    ).catalogue
    return portfolio(labelled, catalogue)
