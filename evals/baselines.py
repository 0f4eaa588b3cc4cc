"""The two baselines the full chain must beat: a keyword heuristic and the same model zero-shot."""

from __future__ import annotations

import re
import time
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from assistant.policy import DELIVERABLE_VERBS
from assistant.prompts import load_prompt

OUTPUT_VERBS = DELIVERABLE_VERBS  # one list: the policy's verbs that open an output


def keyword_kind(goal: str) -> Literal["output", "outcome"]:
    """Baseline 1: the goal's first verb decides (launch/build/publish... => output)."""
    first = re.findall(r"[a-z]+", goal.lower())[:1]
    return "output" if first and first[0] in OUTPUT_VERBS else "outcome"


class ZeroShotAnswer(BaseModel):
    """Baseline 2's answer: the model alone does everything, including the rewrite."""

    kind: Literal["output", "outcome"]
    metric: str = Field(max_length=80)
    team_controls: bool
    needs_proxy: bool
    rewrite: str = Field(max_length=220)


def zero_shot(model: BaseChatModel, goal: str) -> dict[str, Any]:
    """Same model, no retrieval, no worked examples, no post-processing."""
    prompt = load_prompt("zero_shot")
    structured = model.with_structured_output(ZeroShotAnswer, include_raw=True)
    messages = [SystemMessage(prompt.system), HumanMessage(prompt.render_user(goal=goal))]
    start = time.perf_counter()
    try:
        out = structured.invoke(messages)
    except Exception as exc:  # a failed baseline row is reported, not fatal
        return {"error": f"{type(exc).__name__}: {exc}", "seconds": time.perf_counter() - start}
    seconds = time.perf_counter() - start
    raw = out.get("raw")
    usage = getattr(raw, "usage_metadata", None) or {}
    parsed: ZeroShotAnswer | None = out.get("parsed")
    if parsed is None:
        return {"error": f"unparsable: {out.get('parsing_error')}", "seconds": seconds}
    return {
        **parsed.model_dump(),
        "seconds": seconds,
        "tokens_in": usage.get("input_tokens", 0),
        "tokens_out": usage.get("output_tokens", 0),
        "error": None,
    }
