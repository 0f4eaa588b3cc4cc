"""Test doubles: a tool-calling fake chat model that answers from a rule or a queue and records prompts."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

_ids = itertools.count()


def keyword_rule(goal: str, candidates: list[str]) -> dict[str, Any]:
    """A crude but deterministic answer, so a test can reason about what the chain must do with it.

    It picks the first candidate metric, as a well-behaved model picks the best one.
    """
    first = goal.split()[0].lower() if goal.split() else ""
    output = first in {"launch", "ship", "publish", "build", "run", "hire", "write", "redesign", "add", "host"}
    external = bool(re.search(r"\b(industry|national|market)\b", goal, re.I))
    return {
        "kind": "output" if output else "outcome",
        "metric": candidates[0] if candidates else "none of these",
        "team_controls": not external,
    }


def _last_goal(messages: list[BaseMessage]) -> str:
    """The goal under review: the last 'Goal:' line (retry messages carry none)."""
    for message in reversed(messages):
        found = re.findall(r'Goal: "?(.+?)"?$', str(message.content), re.M)
        if found:
            return found[-1].strip()
    return str(messages[-1].content)


def candidates_in(messages: list[BaseMessage]) -> list[str]:
    """The candidate metric names of the last prompt that lists them."""
    for message in reversed(messages):
        text = str(message.content)
        if "Candidate metrics:" in text:
            block = text.split("Candidate metrics:", 1)[1]
            return [m.strip() for m in re.findall(r"^- (.+)$", block, re.M) if m.strip() != "(none)"]
    return []


class FakeToolModel(BaseChatModel):
    """Answers every structured-output call with a tool call.

    ``queue`` (list of dicts or AIMessages) is consumed first; then ``rule(goal)`` answers.
    ``history`` keeps every prompt sent, like simonw/llm's MockModel.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    rule: Callable[[str, list[str]], dict[str, Any]] = keyword_rule
    intent: Callable[[str], str] = lambda message: "unclear"  # the coach's follow-up recognition (FollowUpIntent)
    queue: list[Any] = Field(default_factory=list)
    history: list[list[BaseMessage]] = Field(default_factory=list)
    tool_name: str = "Judgement"

    @property
    def _llm_type(self) -> str:
        return "fake-tool"

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeToolModel:  # type: ignore[override]
        tool = tools[0]
        name = getattr(tool, "__name__", None) or tool.get("name", "Judgement")
        return self.model_copy(update={"tool_name": name})  # shares queue and history lists

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.history.append(list(messages))
        if self.tool_name == "FollowUpIntent":
            found = re.findall(r'^Message: "(.*)"$', str(messages[-1].content), re.M)
            return ChatResult(
                generations=[ChatGeneration(message=self._call({"operation": self.intent(found[-1] if found else "")}))]
            )
        if self.queue:
            item = self.queue.pop(0)
            msg = item if isinstance(item, AIMessage) else self._call(item)
        else:
            goal = _last_goal(messages)
            args = self.rule(goal, candidates_in(messages))
            if self.tool_name == "ZeroShotAnswer":
                args = {k: args[k] for k in ("kind", "metric", "team_controls")}
                args["metric"] = "activation rate"
                args["needs_proxy"] = False
                args["rewrite"] = f"Increase {args['metric']} by 20% by Q4"
            msg = self._call(args)
        return ChatResult(generations=[ChatGeneration(message=msg)])

    def _call(self, args: dict[str, Any]) -> AIMessage:
        return AIMessage(
            content="",
            tool_calls=[{"name": self.tool_name, "args": args, "id": f"call_{next(_ids)}"}],
            usage_metadata={"input_tokens": 100, "output_tokens": 20, "total_tokens": 120},
        )


class WordEmbedding(Embeddings):
    """Bag of words hashed into a fixed vector: texts sharing words are similar, so meaning checks can be tested.

    Deterministic (md5 of each word), unlike the random fakes, and cheap enough for the whole catalogue.
    """

    STOP = frozenset(
        [
            "a",
            "an",
            "the",
            "of",
            "to",
            "in",
            "on",
            "for",
            "by",
            "and",
            "or",
            "our",
            "we",
            "from",
            "with",
            "at",
            "is",
            "are",
            "be",
            "as",
            "its",
            "it",
            "this",
            "that",
            "new",
        ]
    )

    def __init__(self, size: int = 512) -> None:
        self.size = size

    def _one(self, text: str) -> list[float]:
        import hashlib

        v = [0.0] * self.size
        for word in re.findall(r"[a-z]+", text.lower()):
            if word in self.STOP or len(word) < 3:
                continue
            v[int(hashlib.md5(word[:6].encode()).hexdigest(), 16) % self.size] += 1.0
        return v

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)
