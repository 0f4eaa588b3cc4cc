"""The review chain: check input -> retrieve -> prompt -> structured model answer -> deterministic finish.

The model only judges what needs language (kind, metric, control, horizon, proxy). Everything
that can be composed - rewrites, rationale, placeholders, measurability - is composed in code,
which keeps the local model fast and makes "never invent numbers" a guarantee, not a request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableLambda

from .errors import InputError, ModelOutputError, OutcomeLensError
from .knowledge import Knowledge
from .prompts import PromptFile, load_prompt
from .retrieval import KnowledgeIndex, Retrieved
from .schemas import GoalItem, GuidanceCard, Judgement, Review, ReviewRow, Rewrite, WorkedExample
from .settings import Settings
from .textutils import (
    check_goal,
    compose_rewrite,
    direction_for,
    enforce_placeholders,
    has_external_scope,
    has_long_horizon,
    parse_measurability,
    words_for_windows,
)

ProgressFn = Callable[[int, int], None]

_COMPLIANCE = re.compile(
    r"\b(audit|certif\w*|complian\w*|gdpr|soc ?2|iso ?\d+|accreditation|inspection|regulat\w*|legal)\b", re.I
)
_HAS_COUNT = re.compile(r"\b\d+\b")


def example_answer(e: WorkedExample) -> str:
    """A worked example as the exact JSON answer we want from the model (few-shot turn)."""
    return Judgement(
        kind=e.kind,
        metric=e.metric,
        team_controls=e.team_controls,
        owned_metric=e.reframe if not e.team_controls else None,
        needs_proxy=e.needs_proxy,
        proxy=e.proxy,
    ).model_dump_json()


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class ReviewChain:
    """Reviews goals with any LangChain chat model over our knowledge index.

    >>> chain = ReviewChain(model, index, settings)          # doctest: +SKIP
    >>> chain.review("Launch the new onboarding flow").kind  # doctest: +SKIP
    'output'
    """

    def __init__(
        self,
        model: BaseChatModel,
        index: KnowledgeIndex,
        settings: Settings | None = None,
        prompt: PromptFile | None = None,
        model_label: str = "",
    ) -> None:
        self.model = model
        self.index = index
        self.settings = settings or Settings()
        self.prompt = prompt or load_prompt("review")
        self.model_label = model_label or getattr(model, "model_path", "") or type(model).__name__
        self.structured = model.with_structured_output(Judgement, include_raw=True)
        self._cards = {g.id: g for g in index.knowledge.guidance}

    @property
    def knowledge(self) -> Knowledge:
        return self.index.knowledge

    # ------------------------------------------------------------------ runnable steps

    def _prepare(self, item: str | GoalItem | dict[str, Any]) -> dict[str, Any]:
        if isinstance(item, str):
            item = GoalItem(text=item)
        elif isinstance(item, dict):
            item = GoalItem.model_validate(item)
        goal, notes = check_goal(item.text, self.settings.max_goal_chars)
        objective = None
        if item.objective:
            try:
                objective, _ = check_goal(item.objective, self.settings.max_goal_chars)
            except InputError:
                notes.append("The objective text was unusable and was left out of the context.")
        return {"goal": goal, "objective": objective, "notes": notes}

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        query = state["goal"]
        state["retrieved"] = self.index.retrieve(query, self.settings.guidance_k, self.settings.examples_k)
        return state

    def messages_for(self, state: dict[str, Any]) -> list[BaseMessage]:
        """System prompt (fixed, cached by llama.cpp), then the nearest examples, then the goal."""
        p = self.prompt
        r: Retrieved = state["retrieved"]
        guidance = "\n".join(p.guidance_line.format(id=g.id, title=g.title, summary=g.summary) for g in r.guidance)
        context = p.context_line.format(objective=state["objective"]) if state.get("objective") else ""
        # Nearest example last: small models weigh what they read last the most.
        ordered = list(reversed(r.examples))
        messages: list[BaseMessage] = [SystemMessage(p.system)]
        if p.example_style == "turns":
            for e in ordered:
                messages.append(HumanMessage(p.example_user.format(goal=e.goal)))
                messages.append(AIMessage(example_answer(e)))
            examples = ""
        else:
            examples = "\n".join(
                p.example_line.format(
                    goal=e.goal,
                    kind=e.kind,
                    metric=e.metric,
                    team_controls=_yes(e.team_controls),
                    needs_proxy=_yes(e.needs_proxy),
                )
                for e in ordered
            )
        messages.append(
            HumanMessage(p.render_user(goal=state["goal"], guidance=guidance, examples=examples, context=context))
        )
        return messages

    def _judge(self, state: dict[str, Any]) -> dict[str, Any]:
        messages = self.messages_for(state)
        usage = {"input_tokens": 0, "output_tokens": 0, "calls": 0}
        last_raw: str | None = None
        error: Exception | None = None
        attempts = self.settings.max_retries + 1
        for _ in range(attempts):
            usage["calls"] += 1
            try:
                out = self.structured.invoke(messages)
            except OutcomeLensError:
                raise
            except Exception as exc:  # provider errors, tool-call parse failures
                error = exc
                messages = [*messages, HumanMessage(self.prompt.retry.format(error=str(exc)[:200]))]
                continue
            raw = out.get("raw")
            if isinstance(raw, AIMessage):
                last_raw = str(raw.content) or str(raw.tool_calls)
                for key in ("input_tokens", "output_tokens"):
                    usage[key] += (raw.usage_metadata or {}).get(key, 0)
            if out.get("parsed") is not None:
                state["judgement"] = out["parsed"]
                state["usage"] = usage
                return state
            error = out.get("parsing_error")
            messages = [*messages, HumanMessage(self.prompt.retry.format(error=str(error)[:200]))]
        raise ModelOutputError(
            f"The model gave no valid review after {attempts} attempts ({error}).", attempts, last_raw
        )

    def _finish(self, state: dict[str, Any]) -> Review:
        return finish_review(state, self._cards, self.model_label)

    def as_runnable(self) -> Runnable:
        """The chain as a LangChain Runnable: ``.invoke(goal)`` / ``.batch([...])`` return ``Review``."""
        return (
            RunnableLambda(self._prepare, name="check_input")
            | RunnableLambda(self._retrieve, name="retrieve")
            | RunnableLambda(self._judge, name="judge")
            | RunnableLambda(self._finish, name="finish")
        ).with_config(run_name="outcome_lens_review")

    # ------------------------------------------------------------------ public API

    def review(self, goal: str | GoalItem, objective: str | None = None) -> Review:
        """Review one goal; raises ``InputError`` / ``ModelOutputError`` on failure."""
        item = goal if isinstance(goal, GoalItem) else GoalItem(text=goal, objective=objective)
        return self.as_runnable().invoke(item)

    def review_rows(self, items: Iterable[str | GoalItem], progress: ProgressFn | None = None) -> list[ReviewRow]:
        """Review many goals; exactly one row per item, in order, with ``error`` set where one failed."""
        items = [i if isinstance(i, GoalItem) else GoalItem(text=i) for i in items]
        rows: list[ReviewRow] = []
        for n, item in enumerate(items, 1):
            rows.append(self.review_row(item))
            if progress:
                progress(n, len(items))
        return rows

    def review_row(self, item: GoalItem) -> ReviewRow:
        try:
            return ReviewRow.from_review(self.review(item))
        except OutcomeLensError as exc:
            return ReviewRow.failed(item.text, str(exc), item.objective)
        except Exception as exc:  # never lose a row to an unexpected failure
            return ReviewRow.failed(item.text, f"Unexpected error: {type(exc).__name__}: {exc}", item.objective)


# ---------------------------------------------------------------------- deterministic finish


def _clean(text: str | None, source: str) -> tuple[str | None, int]:
    if not text or not text.strip() or text.strip().lower() in {"null", "none", "n/a", "-"}:
        return None, 0
    return enforce_placeholders(text.strip().rstrip("."), source)


def _pick_card(cards: dict[str, GuidanceCard], retrieved: list[GuidanceCard], preferred: list[str]) -> GuidanceCard:
    """The first preferred card that retrieval also found, else the first preferred card."""
    got = {g.id for g in retrieved}
    for cid in preferred:
        if cid in got and cid in cards:
            return cards[cid]
    return cards[next(c for c in preferred if c in cards)]


def _nearest(examples: list[WorkedExample], **match: Any) -> WorkedExample | None:
    for e in examples:
        if all(getattr(e, k) == v for k, v in match.items()):
            return e
    return None


def finish_review(state: dict[str, Any], cards: dict[str, GuidanceCard], model_label: str = "") -> Review:
    """Turn the model's judgement into a full review. Pure function: unit-tested without a model."""
    goal: str = state["goal"]
    objective: str | None = state.get("objective")
    j: Judgement = state["judgement"]
    r: Retrieved = state["retrieved"]
    notes: list[str] = list(state.get("notes", []))
    source = " ".join(filter(None, [goal, objective, state.get("user_facts")]))
    replaced = 0

    meas = parse_measurability(goal)
    metric, n = _clean(j.metric, source)
    replaced += n
    if not metric:
        near = _nearest(r.examples, kind=j.kind) or (r.examples[0] if r.examples else None)
        metric = near.metric if near else "[metric]"
        notes.append("The model named no metric; the nearest worked example's metric is suggested instead.")
    metric = words_for_windows(metric)

    kind = j.kind
    baseline = meas.baseline if kind == "outcome" else None
    target = meas.target if kind == "outcome" else None
    deadline = meas.deadline
    measurable = kind == "outcome" and bool(target)

    # Evidence checks: a "not controllable" or "slow outcome" verdict needs support in the user's words;
    # small models over-use both. The raw verdict stays in ``model_judgement`` for the evals.
    team_controls = j.team_controls or not has_external_scope(f"{goal} {metric}")
    reframe, n = _clean(j.owned_metric, source) if not team_controls else (None, 0)
    replaced += n
    if not team_controls and not reframe:
        reframe = owned_version(metric)

    needs_proxy = j.needs_proxy and has_long_horizon(f"{goal} {metric}")
    proxy, n = _clean(j.proxy, source) if needs_proxy else (None, 0)
    replaced += n
    if needs_proxy and not proxy:
        near = _nearest(r.examples, needs_proxy=True)
        proxy = near.proxy if near else None
        if not proxy:
            notes.append("This outcome is slow to show; pick a leading indicator readable within a quarter.")

    rewrites: list[Rewrite] = []
    primary = reframe if not team_controls else metric
    if kind == "output" or not measurable or not team_controls:
        b, t = (baseline, target) if team_controls else (None, None)
        rewrites.append(
            Rewrite(
                text=compose_rewrite(primary, b, t, deadline, direction_for(primary, t)), metric=primary, basis="model"
            )
        )
    if proxy:
        rewrites.append(
            Rewrite(
                text=compose_rewrite(proxy, None, None, deadline, direction_for(proxy)), metric=proxy, basis="proxy"
            )
        )
    if kind == "output" and len(rewrites) < 3:
        alt = _nearest(r.examples, kind="output")
        if alt and alt.metric.lower() != primary.lower():
            alt_metric = words_for_windows(alt.metric)
            rewrites.append(
                Rewrite(
                    text=compose_rewrite(alt_metric, None, None, deadline, direction_for(alt_metric)),
                    metric=alt_metric,
                    basis=alt.id,
                )
            )
    for rw in rewrites:  # belt and braces: nothing composed may carry an unseen number
        rw.text, n = enforce_placeholders(rw.text, source)
        replaced += n
    if replaced:
        notes.append(f"{replaced} number(s) you did not give were replaced with placeholders.")

    rationale, cited = _rationale(goal, kind, metric, meas, measurable, team_controls, needs_proxy, r, cards)
    control_reason = (
        f"The team can move {primary} through its own work."
        if team_controls
        else f"'{metric}' depends on forces outside the team; '{reframe}' is the part its work can move."
    )
    sources = list(dict.fromkeys([*cited, *r.ids]))
    return Review(
        goal=goal,
        objective=objective,
        kind=kind,
        rationale=rationale,
        sources=sources,
        metric=metric,
        baseline=baseline,
        target=target,
        deadline=deadline,
        measurable=measurable,
        rewrites=rewrites[:3],
        initiative=goal if kind == "output" else None,
        needs_proxy=needs_proxy,
        proxy=proxy,
        team_controls=team_controls,
        control_reason=control_reason,
        reframe=reframe,
        notes=notes,
        model=model_label,
        usage=state.get("usage", {}),
        model_judgement=j.model_dump(),
    )


_SCOPE_WORDS = re.compile(
    r"\b(?:the\s+)?(?:industry|industry-wide|national|nationwide|global|worldwide|market|country's|city's|"
    r"overall|total|whole|entire|all)\b\s*",
    re.I,
)


def owned_version(metric: str) -> str:
    """'industry NPS' -> 'our NPS': drop the out-of-reach scope and claim the team's own slice."""
    core = _SCOPE_WORDS.sub("", metric).strip() or metric
    return core if core.lower().startswith("our ") else f"our {core}"


def _rationale(
    goal: str,
    kind: str,
    metric: str,
    meas: Any,
    measurable: bool,
    team_controls: bool,
    needs_proxy: bool,
    r: Retrieved,
    cards: dict[str, GuidanceCard],
) -> tuple[str, list[str]]:
    """A short reason built from the guidance card that fits the decision and the closest example."""
    parts: list[str] = []
    cited: list[str] = []
    if kind == "output":
        if _COMPLIANCE.search(goal):
            prefs, what = ["G13", "G01"], "a must-do milestone the team completes"
        elif _HAS_COUNT.search(goal):
            prefs, what = ["G03", "G12", "G01"], "a count of things the team delivers"
        else:
            prefs, what = ["G01", "G02", "G06", "G12"], "something the team ships or does"
        parts.append(
            f"Output: it describes {what}, not a change in what customers or the business do; "
            f"the outcome to measure is {metric}."
        )
    else:
        if measurable:
            prefs = ["G05", "G16", "G01"]
            parts.append(
                f"Outcome: it names a change in {metric} with a target ({meas.target})"
                + (f" and a deadline ({meas.deadline})." if meas.deadline else "; it still needs a deadline.")
            )
        else:
            prefs = ["G04", "G15", "G05"]
            parts.append(f"Outcome: it names a change in {metric}, but has no target yet, so it is not measurable.")
    card = _pick_card(cards, r.guidance, prefs)
    parts.append(f"{card.id}: {card.summary}")
    cited.append(card.id)
    if not team_controls:
        c = _pick_card(cards, r.guidance, ["G10", "G11"])
        parts.append(f"{c.id}: {c.summary}")
        cited.append(c.id)
    if needs_proxy:
        c = _pick_card(cards, r.guidance, ["G08", "G09"])
        parts.append(f"{c.id}: {c.summary}")
        cited.append(c.id)
    near = _nearest(r.examples, kind=kind)
    if near:
        parts.append(f'Closest worked example {near.id}: "{near.goal}" ({near.kind}).')
        cited.append(near.id)
    return " ".join(parts), cited
