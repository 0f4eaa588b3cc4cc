"""Plain functions behind the Gradio app (``ui.py`` only wires them to components).

Each one is unit-tested directly; the app is tested end to end in a browser.
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from langchain_core.messages import HumanMessage, SystemMessage

from .bulk import review_rows
from .chain import ReviewChain
from .errors import OutcomeLensError
from .export import summary, to_csv, to_json, to_markdown
from .knowledge import save_team_example
from .prompts import load_prompt
from .render import review_markdown
from .roadmap import ParsedRoadmap, parse_file, parse_roadmap
from .schemas import GoalItem, Review, ReviewRow, WorkedExample
from .settings import Settings
from .textutils import check_goal, compose_rewrite, direction_for, enforce_placeholders, find_deadline

ChainFactory = Callable[[Settings], ReviewChain]


@dataclass
class AppService:
    """One shared chain (so the model loads once) plus what the UI needs around it."""

    settings: Settings
    factory: ChainFactory
    model_label: str = ""
    allow_writes: bool = True  # False when the app is open to a network without a login (see exposure.py)
    _chain: ReviewChain | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def chain(self) -> ReviewChain:
        with self._lock:
            if self._chain is None:
                self._chain = self.factory(self.settings)
            return self._chain

    def reload_knowledge(self) -> None:
        """Re-read knowledge (e.g. after a team example was added) and reindex; the model stays loaded."""
        from .api import build_index_for

        chain = self.chain
        with self._lock:
            chain.index = build_index_for(self.settings, getattr(chain.index.store, "_embedding_function", None))

    def notices(self) -> list[str]:
        """What the user should know about the knowledge and index (set-aside team file, rebuilt index)."""
        return list(self.chain.index.notes)

    def guidance_lookup(self) -> dict[str, str]:
        k = self.chain.knowledge
        return {
            **{g.id: f"{g.title} - {g.summary}" for g in k.guidance},
            **{e.id: f"example ({e.domain}, {e.kind}): {e.goal}" for e in k.examples},
        }


# ---------------------------------------------------------------------------------------------- chat


@dataclass
class ChatState:
    """What the coach remembers between turns: the last review and every fact the user gave."""

    review: dict[str, Any] | None = None
    user_facts: list[str] = field(default_factory=list)


FOLLOW_UP = re.compile(
    r"\b(ambitious|stretch|baseline|target|deadline|proxy|leading|control|can't|cannot|can not|influence|"
    r"what now|why|explain|alternative|another|instead|shorter|rewrite|how (?:do|would|could|can)|what (?:if|about|"
    r"could|should))\b|\?$",
    re.I,
)
_BASELINE = re.compile(r"\bbaseline\s*(?:is|=|:|of|was|at)?\s*(?P<v>[$€£]?\d[\d,.]*\s?%?)", re.I)
_TARGET = re.compile(r"\btarget\s*(?:is|=|:|of|would be|at)?\s*(?P<v>[$€£]?\d[\d,.]*\s?%?)", re.I)


def _msg(role: str, content: str, title: str | None = None) -> dict[str, Any]:
    m: dict[str, Any] = {"role": role, "content": content}
    if title:
        m["metadata"] = {"title": title, "status": "done"}
    return m


def is_follow_up(message: str, state: ChatState) -> bool:
    """A question about the current review rather than a new goal to review."""
    return state.review is not None and bool(FOLLOW_UP.search(message)) and "\n" not in message.strip()


def chat_respond(
    service: AppService, message: str, history: list[dict[str, Any]] | None, state: ChatState | None
) -> Iterator[tuple[list[dict[str, Any]], ChatState]]:
    """Stream the coach's answer: a review of each pasted goal, or an answer to a follow-up."""
    history = list(history or [])
    state = state or ChatState()
    message = (message or "").strip()
    if not message:
        yield history, state
        return
    history.append(_msg("user", message))
    if is_follow_up(message, state):
        yield from _follow_up(service, message, history, state)
        return
    parsed = parse_roadmap(message) if "\n" in message else ParsedRoadmap(items=[GoalItem(text=message)])
    if not parsed.items:
        history.append(
            _msg(
                "assistant",
                "I found no goal in that message. Paste a key result, e.g. *Launch the new onboarding flow*.",
            )
        )
        yield history, state
        return
    lookup = service.guidance_lookup()
    for n, item in enumerate(parsed.items, 1):
        label = f" ({n}/{len(parsed.items)})" if len(parsed.items) > 1 else ""
        history.append(_msg("assistant", f"Reviewing{label}: *{item.text}* ..."))
        yield history, state
        try:
            review = service.chain.review(item)
        except OutcomeLensError as exc:
            history[-1] = _msg("assistant", f"**Could not review** *{item.text[:120]}*: {exc}")
            yield history, state
            continue
        history[-1] = _msg("assistant", review_markdown(review, with_sources=False))
        sources = "\n".join(f"- **{s}**: {lookup.get(s, '')}" for s in review.sources)
        history.append(_msg("assistant", sources, title=f"Guidance and examples used ({len(review.sources)})"))
        state = ChatState(review=review.model_dump(), user_facts=[])
        yield history, state
    if len(parsed.items) == 1 and state.review:
        history.append(
            _msg(
                "assistant",
                "Ask a follow-up: *make it more ambitious*, *I don't know our baseline*, "
                "*what could the proxy be?*, *we can't control this, what now?*",
            )
        )
        yield history, state


def _follow_up(
    service: AppService, message: str, history: list[dict[str, Any]], state: ChatState
) -> Iterator[tuple[list[dict[str, Any]], ChatState]]:
    assert state.review is not None
    review = Review.model_validate(state.review)
    state.user_facts.append(message)
    source = " ".join([review.goal, review.objective or "", *state.user_facts])
    given = _apply_user_numbers(review, message)
    if given:
        history.append(_msg("assistant", given))
        state.review = review.model_dump()
        yield history, state
        return
    if re.search(r"don'?t know|no idea|not sure|unknown|missing", message, re.I) and "baseline" in message.lower():
        history.append(_msg("assistant", _unknown_baseline(review)))
        yield history, state
        return
    prompt = load_prompt("coach")
    guidance = "\n".join(
        prompt.guidance_line.format(id=g.id, title=g.title, summary=g.summary)
        for g in service.chain.index.retrieve(message + " " + review.goal, 3, 0).guidance
    )
    summary_text = (
        f"goal: {review.goal}; kind: {review.kind}; metric: {review.metric}; "
        f"suggested key result: {review.rewrite or review.goal}; initiative: {review.initiative}; "
        f"proxy: {review.proxy}; team controls it: {review.team_controls}; reframe: {review.reframe}"
    )
    messages = [
        SystemMessage(prompt.system),
        HumanMessage(prompt.render_user(review=summary_text, guidance=guidance, question=message)),
    ]
    history.append(_msg("assistant", ""))
    text = ""
    try:
        for chunk in service.chain.model.stream(messages, max_tokens=200):
            text += str(chunk.content)
            history[-1] = _msg("assistant", enforce_placeholders(text, source)[0] or "")
            yield history, state
    except Exception as exc:  # a provider failure must not kill the chat
        history[-1] = _msg("assistant", f"The model could not answer: {exc}")
    final, replaced = enforce_placeholders(text.strip(), source)
    if replaced:
        final += f"\n\n*({replaced} number(s) you did not give were replaced with placeholders.)*"
    history[-1] = _msg("assistant", final or "I have nothing to add to the review above.")
    yield history, state


def _apply_user_numbers(review: Review, message: str) -> str | None:
    """'Our baseline is 40%, target 55% by Q3' -> the rewrite with the user's own numbers filled in."""
    b, t, d = _BASELINE.search(message), _TARGET.search(message), find_deadline(message)
    if not (b or t or (d and "deadline" in message.lower())):
        return None
    metric = review.rewrites[0].metric if review.rewrites else (review.metric or "[metric]")
    review.baseline = b.group("v").strip() if b else review.baseline
    review.target = t.group("v").strip() if t else review.target
    review.deadline = d or review.deadline
    text = compose_rewrite(
        metric, review.baseline, review.target, review.deadline, direction_for(metric, review.target)
    )
    if review.rewrites:
        review.rewrites[0].text = text
    missing = [
        n for n, v in (("baseline", review.baseline), ("target", review.target), ("deadline", review.deadline)) if not v
    ]
    tail = f" Still missing: {', '.join(missing)}." if missing else " It is now fully measurable."
    return f"Updated key result with your numbers:\n\n**{text}**\n\n{tail.strip()}"


def _unknown_baseline(review: Review) -> str:
    metric = review.rewrites[0].metric if review.rewrites else review.metric
    return (
        f"That is fine - keep **[baseline]** as a visible placeholder; never guess it (G23). "
        f"Make measuring *{metric}* the first task of the quarter: agree on its definition, check the data "
        f"exists (G19), read the current value over the last few weeks, then set the target relative to it."
    )


# -------------------------------------------------------------------------------------------- roadmap

TABLE_COLUMNS = [
    "#",
    "Kind",
    "Goal",
    "Suggested key result",
    "Initiative",
    "Proxy",
    "Team controls",
    "Reframe",
    "Objective",
    "Error",
]


KIND_COLOURS = {"OUTPUT": "#fde2c8", "outcome": "#d4f2dc", "ERROR": "#f9d0d0"}


def _badge(row: ReviewRow) -> str:
    if row.error:
        return "ERROR"
    return "OUTPUT" if row.kind == "output" else "outcome"


def rows_table(rows: list[ReviewRow]) -> pd.DataFrame:
    data = [
        [
            n,
            _badge(r),
            r.goal,
            r.rewrite or ("(already measurable)" if r.kind == "outcome" else ""),
            r.initiative or "",
            r.proxy or "",
            "" if r.error else ("yes" if r.team_controls else "no"),
            r.reframe or "",
            r.objective or "",
            r.error or "",
        ]
        for n, r in enumerate(rows, 1)
    ]
    return pd.DataFrame(data, columns=TABLE_COLUMNS)


def styled_table(rows: list[ReviewRow]) -> Any:
    """The table with the kind cell coloured, so outputs stand out at a glance."""
    frame = rows_table(rows)
    return frame.style.map(
        lambda v: f"background-color: {KIND_COLOURS[v]}; font-weight: 600" if v in KIND_COLOURS else "", subset=["Kind"]
    )


def summary_markdown(rows: list[ReviewRow]) -> str:
    s = summary(rows)
    return (
        f"**{s['items']} items** · **{s['outputs']}** outputs · **{s['outcomes']}** outcomes · "
        f"**{s['not_controllable']}** not controllable · **{s['missing_target']}** missing a target · "
        f"**{s['need_proxy']}** need a proxy · **{s['errors']}** errors"
    )


def summary_chart(rows: list[ReviewRow]) -> pd.DataFrame:
    s = summary(rows)
    return pd.DataFrame(
        {
            "category": ["outputs", "outcomes", "not controllable", "missing target", "need proxy", "errors"],
            "count": [
                s["outputs"],
                s["outcomes"],
                s["not_controllable"],
                s["missing_target"],
                s["need_proxy"],
                s["errors"],
            ],
        }
    )


def parse_input(text: str | None, upload: str | Path | None) -> ParsedRoadmap:
    """Pasted text wins; otherwise the uploaded CSV/XLSX/Markdown/text file."""
    if text and text.strip():
        return parse_roadmap(text)
    if upload:
        return parse_file(Path(upload))
    return ParsedRoadmap(items=[], format="empty")


def run_roadmap(
    service: AppService, text: str | None, upload: str | Path | None, progress: Callable[[int, int], None] | None = None
) -> tuple[list[ReviewRow], list[str], Path]:
    """Review every item; returns rows, notes, and a folder holding CSV/JSON/Markdown downloads."""
    parsed = parse_input(text, upload)
    notes = [f"Line {line} skipped: {reason}" for line, reason in parsed.skipped]
    rows = review_rows(service.chain, parsed.items, service.settings, progress=progress) if parsed.items else []
    out = Path(tempfile.mkdtemp(prefix="okr-roadmap-"))
    (out / "roadmap_review.csv").write_text(to_csv(rows), encoding="utf-8")
    (out / "roadmap_review.json").write_text(to_json(rows), encoding="utf-8")
    (out / "roadmap_review.md").write_text(to_markdown(rows), encoding="utf-8")
    return rows, notes, out


def review_json(service: AppService, goal: str, objective: str | None = None) -> dict[str, Any]:
    """One goal -> the JSON Lines contract row (for API and MCP clients)."""
    item = GoalItem(text=goal or "", objective=objective or None)
    return review_rows(service.chain, [item], service.settings)[0].model_dump()


# ------------------------------------------------------------------------------------------ knowledge


def knowledge_frames(service: AppService) -> tuple[pd.DataFrame, pd.DataFrame]:
    k = service.chain.knowledge
    guidance = pd.DataFrame(
        [[g.id, g.title, g.summary, ", ".join(g.tags)] for g in k.guidance], columns=["id", "title", "summary", "tags"]
    )
    names = {m.id: m.name for m in k.metrics}
    examples = pd.DataFrame(
        [
            [
                e.id,
                e.domain,
                e.kind,
                e.goal,
                names.get(e.metric_id or "", e.metric or ""),
                names.get(e.proxy_id or "", e.proxy or ""),
                "yes" if e.team_controls else "no",
            ]
            for e in k.examples
        ],
        columns=["id", "domain", "kind", "goal", "metric", "proxy", "team controls"],
    )
    return guidance, examples


def catalogue_frame(service: AppService) -> pd.DataFrame:
    """The outcome-metric catalogue as a table: what the model chooses from."""
    k = service.chain.knowledge
    names = {m.id: m.name for m in k.metrics}
    return pd.DataFrame(
        [
            [
                m.name,
                ", ".join(m.functions),
                m.polarity,
                m.horizon,
                "; ".join(names[i] for i in m.leading),
                names.get(m.owned_slice or "", ""),
                m.source,
                m.definition,
                m.id,
            ]
            for m in k.metrics
        ],
        columns=["name", "functions", "polarity", "horizon", "leading", "owned slice", "source", "definition", "id"],
    )


def add_team_example(
    service: AppService,
    goal: str,
    kind: str,
    metric: str,
    rewrite: str,
    proxy: str,
    team_controls: bool,
    reframe: str,
    why: str,
    domain: str = "team",
) -> str:
    """Validate, save to disk, reindex; the chain uses it from the next review on."""
    if not service.allow_writes:
        return (
            "❌ Not saved: adding examples is switched off because the app is served without a login. "
            "Set OKR_UI_USERNAME and OKR_UI_PASSWORD and restart it to turn it on."
        )
    try:
        goal, _ = check_goal(goal)
        example = WorkedExample(
            id="team-001",  # a stand-in: the real id is chosen while the team file is locked
            domain=domain or "team",
            goal=goal,
            kind=kind,
            metric=metric,
            rewrite=rewrite or None,
            initiative=goal if kind == "output" else None,
            team_controls=team_controls,
            reframe=reframe or None,
            needs_proxy=bool(proxy),
            proxy=proxy or None,
            why=why or "Added by the team.",
        )
        example, notes = save_team_example(
            example, service.settings.team_examples_path, service.chain.knowledge.examples, assign_id=True
        )
        service.reload_knowledge()
    except OutcomeLensError as exc:
        return f"❌ Not saved: {exc}"
    except ValueError as exc:  # pydantic validation
        return (
            "❌ Not saved: " + "; ".join(str(e.get("msg", e)) for e in getattr(exc, "errors", lambda: [])())
            if hasattr(exc, "errors")
            else f"❌ Not saved: {exc}"
        )
    tail = "".join(f"\n\n⚠️ {n}" for n in notes)
    return f"✅ Saved {example.id} to {service.settings.team_examples_path} and indexed it.{tail}"


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
