"""ragas metrics: embedding similarity (no judge) and an LLM-judged rubric (judge selectable).

Everything runs in-process on our own embeddings and chat models; ragas never builds a client
of its own because llm, embeddings and metrics are always passed together.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")

ASPECTS = {
    "is_outcome": "Does the response describe a measurable change in customer, user or business behaviour or "
    "results (an outcome), rather than something a team ships or does (an output)?",
    "is_measurable": "Does the response name a metric together with a starting value, a target value and a "
    "deadline, where unknown values may be placeholders in square brackets?",
    "keeps_intent": "Does the response keep the intent of the user's original goal, i.e. would reaching it show "
    "that the original goal's work paid off?",
    "team_can_influence": "Could the team that wrote the user's goal plausibly move the metric in the response "
    "through its own work, rather than it depending on a whole industry, market or country?",
}
GOAL_ASPECTS = {  # asked of the original goals, to grade the judge against gold labels
    "is_outcome": "Does the response describe a change in customer, user or business behaviour or results "
    "(an outcome), rather than something a team ships or does (an output)?",
    "team_can_influence": ASPECTS["team_can_influence"],
}


def _ragas(llm: BaseChatModel, embeddings: Embeddings) -> tuple[Any, Any, Any]:
    from ragas.embeddings import LangchainEmbeddingsWrapper
    from ragas.llms import LangchainLLMWrapper
    from ragas.run_config import RunConfig

    return (
        LangchainLLMWrapper(llm),
        LangchainEmbeddingsWrapper(embeddings),
        RunConfig(max_workers=1, timeout=180, max_retries=1),
    )


def similarities(
    responses: Sequence[str | None], references: Sequence[Sequence[str]], llm: BaseChatModel, embeddings: Embeddings
) -> dict[str, list[float]]:
    """Per row: best SemanticSimilarity and NonLLMStringSimilarity against any reference (NaN if none)."""
    from ragas import EvaluationDataset, SingleTurnSample, evaluate
    from ragas.metrics import NonLLMStringSimilarity, SemanticSimilarity

    pairs = [(i, r, ref) for i, (r, refs) in enumerate(zip(responses, references, strict=True)) if r for ref in refs]
    semantic = [float("nan")] * len(responses)
    string = [float("nan")] * len(responses)
    if not pairs:
        return {"semantic": semantic, "string": string}
    wrapped_llm, wrapped_emb, run_config = _ragas(llm, embeddings)
    dataset = EvaluationDataset(samples=[SingleTurnSample(response=r, reference=ref) for _, r, ref in pairs])
    result = evaluate(
        dataset,
        metrics=[SemanticSimilarity(), NonLLMStringSimilarity()],
        llm=wrapped_llm,
        embeddings=wrapped_emb,
        run_config=run_config,
        show_progress=False,
    )
    frame = result.to_pandas()
    for (i, _, _), sem, st in zip(pairs, frame["semantic_similarity"], frame["non_llm_string_similarity"], strict=True):
        semantic[i] = (
            max(v for v in (semantic[i], float(sem)) if not math.isnan(v)) if not math.isnan(sem) else semantic[i]
        )
        string[i] = max(v for v in (string[i], float(st)) if not math.isnan(v)) if not math.isnan(st) else string[i]
    return {"semantic": semantic, "string": string}


def judge(
    goals: Sequence[str],
    responses: Sequence[str],
    judge_llm: BaseChatModel,
    embeddings: Embeddings,
    aspects: dict[str, str] | None = None,
) -> dict[str, list[float]]:
    """ragas AspectCritic per aspect: 1.0 yes, 0.0 no, NaN when the judge's answer did not parse."""
    from ragas import EvaluationDataset, SingleTurnSample, evaluate
    from ragas.metrics import AspectCritic

    aspects = aspects or ASPECTS
    if not goals:
        return {name: [] for name in aspects}
    wrapped_llm, wrapped_emb, run_config = _ragas(judge_llm, embeddings)
    metrics = [AspectCritic(name=name, definition=text, llm=wrapped_llm) for name, text in aspects.items()]
    dataset = EvaluationDataset(
        samples=[SingleTurnSample(user_input=g, response=r) for g, r in zip(goals, responses, strict=True)]
    )
    result = evaluate(
        dataset, metrics=metrics, llm=wrapped_llm, embeddings=wrapped_emb, run_config=run_config, show_progress=False
    )
    frame = result.to_pandas()
    return {name: [float(v) for v in frame[name]] for name in aspects}
