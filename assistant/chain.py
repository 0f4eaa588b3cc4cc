"""The review chain: check input -> retrieve -> prompt -> the model chooses -> decide, compose, explain.

The model only judges what needs language (kind, which candidate metric, control). Deciding (evidence
checks), composing (rewrites, proxy, reframe, hypothesis from the catalogue) and explaining (rationale)
are plain functions in ``decide``, ``compose`` and ``explain``, which keeps the local model fast and makes
"never invent numbers" a guarantee, not a request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel

from . import candidates as C
from .compose import (
    hypothesis,
    key_result,
    measurability,
    outcome_deadline,
    scope_of,
    scoped,
    service_level_key_result,
    users_key_result,
)
from .decide import Decision, decide, view
from .errors import InputError, ModelOutputError, OutcomeLensError
from .explain import rationale
from .knowledge import Knowledge
from .prompts import PromptFile, load_prompt
from .ranking import RankWeights
from .retrieval import KnowledgeIndex
from .schemas import (
    GoalItem,
    Judgement,
    KindJudgement,
    MetricEntry,
    Review,
    ReviewRow,
    Rewrite,
    WorkedExample,
    judgement_schema,
)
from .settings import Settings
from .textutils import capitalised, check_goal, enforce_placeholders, prepare_goal

ProgressFn = Callable[[int, int], None]


def example_metric(e: WorkedExample, catalogue: dict[str, MetricEntry]) -> str:
    """The metric name a worked example answers with: its catalogue entry's name, else its free text."""
    if e.metric_id and e.metric_id in catalogue:
        return catalogue[e.metric_id].name
    return e.metric or ""


def example_answer(e: WorkedExample, catalogue: dict[str, MetricEntry], with_metric: bool = True) -> str:
    """A worked example as the JSON answer we want from the model (few-shot turn).

    Without the metric, the turn teaches kind and control only: a small model copies an example's metric
    into its own answer when it can, so the choice is left to the candidates of the goal itself.
    """
    answer = {"kind": e.kind, "metric": example_metric(e, catalogue), "team_controls": e.team_controls}
    if not with_metric:
        answer.pop("metric")
    return json.dumps(answer)


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

    @property
    def knowledge(self) -> Knowledge:
        return self.index.knowledge

    # ------------------------------------------------------------------ runnable steps

    def _prepare(self, item: str | GoalItem | dict[str, Any]) -> dict[str, Any]:
        if isinstance(item, str):
            item = GoalItem(text=item)
        elif isinstance(item, dict):
            item = GoalItem.model_validate(item)
        prepared = prepare_goal(item.text, self.settings.max_goal_chars)
        notes = list(prepared.notes)
        objective = None
        if item.objective:
            try:
                objective, _ = check_goal(item.objective, self.settings.max_goal_chars)
            except InputError:
                notes.append("The objective text was unusable and was left out of the context.")
        # The row keeps what the user wrote; the model, retrieval and the checks read the cleaned goal.
        return {
            "goal": prepared.original,
            "for_model": prepared.for_model,
            "status": prepared.status,
            "objective": objective,
            "notes": notes,
        }

    def _retrieve(self, state: dict[str, Any]) -> dict[str, Any]:
        s = self.settings
        r = self.index.retrieve(
            state["for_model"],
            s.guidance_k,
            s.examples_k,
            s.metrics_k,
            weights=RankWeights.from_settings(s),
            objective=state.get("objective"),
        )
        state["retrieved"] = r
        state["candidates"] = C.gather(r, self.knowledge.catalogue, s.candidates_k, state["for_model"])
        return state

    def messages_for(self, state: dict[str, Any]) -> list[BaseMessage]:
        """System prompt (fixed, cached by llama.cpp), the nearest examples as turns, then candidates and goal."""
        p = self.prompt
        catalogue = self.knowledge.catalogue
        cands: list[C.Candidate] = state["candidates"]
        context = p.context_line.format(objective=state["objective"]) if state.get("objective") else ""
        # Nearest example last: small models weigh what they read last the most.
        ordered = list(reversed(state["retrieved"].examples))
        messages: list[BaseMessage] = [SystemMessage(p.system)]
        for demo in p.demos:  # fixed: part of the cached prefix
            names = [p.candidate_line.format(name=n) for n in demo.candidates]
            messages.append(HumanMessage(p.render_user(goal=demo.goal, candidates="\n".join(names), context="")))
            answer = {"kind": demo.kind, "metric": demo.metric, "team_controls": demo.team_controls}
            messages.append(AIMessage(json.dumps(answer)))
        for e in ordered:
            messages.append(HumanMessage(p.example_user.format(goal=e.goal)))
            messages.append(AIMessage(example_answer(e, catalogue, p.example_metric)))
        listing = "\n".join(p.candidate_line.format(name=c.metric.name) for c in cands) or "- (none)"
        messages.append(HumanMessage(p.render_user(goal=state["for_model"], candidates=listing, context=context)))
        return messages

    def answer_schema(self, candidates: list[C.Candidate]) -> type[BaseModel]:
        """What the model is asked for: kind and control (the ranking picks the metric), or also the metric."""
        if self.settings.metric_choice == "ranking" and candidates:
            return KindJudgement
        return judgement_schema([c.metric.name for c in candidates])

    def _judge(self, state: dict[str, Any]) -> dict[str, Any]:
        messages = self.messages_for(state)
        cands: list[C.Candidate] = state["candidates"]
        schema = self.answer_schema(cands)
        by_ranking = schema is KindJudgement
        structured = self.model.with_structured_output(schema, include_raw=True)
        usage = {"input_tokens": 0, "output_tokens": 0, "calls": 0}
        last_raw: str | None = None
        error: Exception | None = None
        attempts = self.settings.max_retries + 1
        for _ in range(attempts):
            usage["calls"] += 1
            try:
                out = structured.invoke(messages)
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
                parsed = out["parsed"]
                state["judgement"] = (
                    Judgement(kind=parsed.kind, team_controls=parsed.team_controls, metric=cands[0].metric.name)
                    if by_ranking
                    else parsed
                )
                state["usage"] = usage
                return state
            error = out.get("parsing_error")
            messages = [*messages, HumanMessage(self.prompt.retry.format(error=str(error)[:200]))]
        raise ModelOutputError(
            f"The model gave no valid review after {attempts} attempts ({error}).", attempts, last_raw
        )

    def _finish(self, state: dict[str, Any]) -> Review:
        return finish_review(state, self.knowledge, self.model_label)

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


def finish_review(state: dict[str, Any], knowledge: Knowledge, model_label: str = "") -> Review:
    """Decide, compose, explain: the model's answer becomes a full review. Pure: unit-tested without a model."""
    goal: str = state.get("for_model") or state["goal"]  # the cleaned goal: what was judged
    j: Judgement = state["judgement"]
    cands: list[C.Candidate] = state.get("candidates", [])
    catalogue = knowledge.catalogue
    source = " ".join(filter(None, [goal, state.get("objective"), state.get("user_facts")]))
    meas = measurability(goal)
    d = decide(j, cands, goal, catalogue, source, meas, state.get("status"))
    when = outcome_deadline(goal, d.kind, meas.deadline)
    scope = scope_of(goal)
    rewrites = compose_rewrites(goal, d, meas, cands, when, scope, as_written=state["goal"])
    notes = [*state.get("notes", []), *d.notes, *meas.notes]
    replaced = 0
    for rw in rewrites:  # belt and braces: nothing composed may carry a number the user did not give
        rw.text, n = enforce_placeholders(rw.text, source)
        replaced += n
    if replaced:
        notes.append(f"{replaced} number(s) you did not give were replaced with placeholders.")
    why, cited = rationale(goal, d, meas, state["retrieved"], knowledge.guidance, state.get("status"))
    served = d.owned if not d.team_controls and d.owned else d.metric
    outcome_measurable = d.kind == "outcome" and bool(meas.target)
    return Review(
        goal=state["goal"],
        objective=state.get("objective"),
        kind=d.kind,
        rationale=why,
        sources=list(dict.fromkeys([*cited, *state["retrieved"].ids])),
        metric=d.metric.name,
        metric_id=d.metric.id,
        baseline=meas.baseline if d.kind == "outcome" else None,
        target=meas.target if d.kind == "outcome" else None,
        deadline=when,
        measurable=outcome_measurable,
        rewrites=rewrites,
        initiative=goal if d.kind == "output" else _work_of(goal, d, meas),
        hypothesis=hypothesis(goal, scoped(served, scope), when) if d.kind == "output" else None,
        measured_in=_source_of(served, catalogue),
        needs_proxy=d.needs_proxy,
        proxy=d.proxy.name if d.proxy else None,
        proxy_id=d.proxy.id if d.proxy else None,
        # the proxy is counted over the goal's group too (sets 35-48: "proxy not scoped to mid-market")
        proxy_rewrite=key_result(scoped(d.proxy, scope), deadline=when) if d.proxy else None,
        team_controls=d.team_controls,
        control_reason=_control_reason(d),
        reframe=d.owned.name if d.owned and not d.team_controls else None,
        notes=notes,
        model=model_label,
        usage=state.get("usage", {}),
        model_judgement=j.model_dump(),
        candidates=[c.metric.id for c in cands],
    )


def compose_rewrites(
    goal: str,
    d: Decision,
    meas: Any,
    cands: list[C.Candidate],
    when: str | None,
    scope: str | None = None,
    as_written: str | None = None,
) -> list[Rewrite]:
    """The main rewrite and up to two alternatives; the user's own numbers always survive.

    ``when`` is the key result's deadline (``outcome_deadline``) and ``scope`` the group it names (``scope_of``),
    both read once for the whole review. ``as_written`` is the user's text before cleaning: a measurable outcome
    whose bullet or status ("[RAG: red]") was taken off is given back clean, not "kept as written" (set 18).
    """
    out: list[Rewrite] = []
    # A reframe to the very metric the goal states adds nothing and would drop the user's numbers.
    reframed = d.owned if d.owned and not d.team_controls and d.owned.id != d.metric.id else None
    reframe = (
        Rewrite(
            text=key_result(scoped(reframed, scope), deadline=when),
            metric=reframed.name,
            metric_id=reframed.id,
            basis="reframe",
        )
        if reframed
        else None
    )
    if d.kind == "outcome" and meas.target:
        # a measurable outcome keeps its own sentence, and no alternatives to a target the user set; the slice the
        # team owns follows it ("Enterprise NPS of 45 or higher" had lost its 45 and its scope to the reframe)
        text, work = users_key_result(goal, meas.deadline)
        cleaned = bool(as_written) and _visible(goal) != _visible(as_written or "")
        if cleaned and not work:
            text = capitalised(text)  # "• pick accuracy 99.7%": the bullet gone, the sentence starts
        if work or not meas.deadline or reframe or cleaned:
            out.append(Rewrite(text=text, metric=d.metric.name, metric_id=d.metric.id, basis="user"))
        return [*out, reframe] if reframe else out
    if reframe:
        out.append(reframe)
    elif d.kind == "outcome" and meas.time_limit and d.team_controls:
        text = service_level_key_result(goal, when)
        out.append(Rewrite(text=text, metric=d.metric.name, metric_id=d.metric.id, basis="user"))
    else:
        # An output's numbers count its own work ("raised from 7.1 to 8.0" misread, "Migrate 12 of 40 services"):
        # they stay in the initiative and never become the baseline and target of another metric.
        b, t = (meas.baseline, meas.target) if meas.baseline and d.kind == "outcome" else (None, None)
        out.append(
            Rewrite(
                text=key_result(scoped(d.metric, scope), b, t, when),
                metric=d.metric.name,
                metric_id=d.metric.id,
                basis="chosen",
            )
        )
    taken = d.entry if d.team_controls or not d.owned else None
    for alt in C.alternatives(cands, taken):
        if d.owned and alt.metric.id == d.owned.id:
            continue
        m = view(alt.metric)
        text = key_result(scoped(m, scope), deadline=when)
        out.append(Rewrite(text=text, metric=m.name, metric_id=m.id, basis="alternative"))
    return out[:3]


def _visible(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .")


def _work_of(goal: str, d: Decision, meas: Any) -> str | None:
    """The deliverable half of a measured compound outcome, kept as its initiative."""
    return users_key_result(goal, meas.deadline)[1] if d.kind == "outcome" and meas.target else None


def _source_of(metric: Any, catalogue: dict[str, MetricEntry]) -> str | None:
    entry = catalogue.get(metric.id) if metric and metric.id else None
    return entry.source if entry else None


def _control_reason(d: Decision) -> str:
    if d.team_controls:
        return "The team can move this through its own work."
    owned = f"; {d.owned.name} is the part its work can move" if d.owned else ""
    return f"As written, this depends on forces outside the team{owned}."
