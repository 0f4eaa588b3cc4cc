"""The Knowledge tab: browse cards, examples and the catalogue; add the team's own examples.

Messages speak the form's language: the labels people see ("Outcome metric", "Team controls it"), never the
file's field names, and never a path on the server.
"""

from __future__ import annotations

import re

import pandas as pd
from pydantic import ValidationError

from ..errors import InputError, OutcomeLensError, StorageError
from ..knowledge import save_team_example
from ..schemas import WorkedExample
from ..textutils import prepare_goal
from .service import AppService

# The form's labels, by the example field each one fills (ui: assistant/app/knowledge_tab.py).
FORM_LABELS = {
    "goal": "Goal",
    "kind": "Kind",
    "metric": "Outcome metric",
    "metric_id": "Outcome metric",
    "rewrite": "Outcome rewrite",
    "proxy": "Proxy",
    "proxy_id": "Proxy",
    "needs_proxy": "Proxy",
    "team_controls": "Team controls it",
    "reframe": "Reframe",
    "reframe_id": "Reframe",
    "why": "Why",
    "initiative": "Goal",
    "domain": "Goal",
}
EXAMPLE_COLUMNS = ["id", "domain", "kind", "goal", "metric", "proxy", "team controls"]
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][^\s'\"\\/:;,()]+)+[\\/]?(?:\.\w+)?")
_FIELD = re.compile(r"field '(?P<f>\w+)'")


def knowledge_frames(service: AppService) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Guidance cards and worked examples as the tab shows them: the team's own examples first."""
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
            for e in sorted(k.examples, key=lambda e: not e.id.startswith("team-"))  # the team's own first
        ],
        columns=EXAMPLE_COLUMNS,
    )
    return guidance, examples


def team_count(service: AppService) -> int:
    return sum(e.id.startswith("team-") for e in service.chain.knowledge.examples)


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


def _goal_key(text: str) -> str:
    """Goals that differ only in case, spacing, quotes or final punctuation are the same goal."""
    text = re.sub(r"[\"'“”‘’`]", "", text)
    return " ".join(text.split()).casefold().rstrip(".!?;:, ")


def _label(field: str) -> str:
    return f"**{FORM_LABELS.get(field, field.replace('_', ' ').capitalize())}**"


def no_paths(text: str) -> str:
    """A message without any path on the server (the file is 'the team's examples file')."""
    return _PATH.sub("the team's examples file", text)


def _validation_message(exc: ValidationError) -> str:
    out = []
    for e in exc.errors():
        field = str(e["loc"][0]) if e.get("loc") else ""
        msg = str(e.get("msg", "")).removeprefix("Value error, ")
        if "needs 'metric_id'" in msg:
            out.append(f"fill in {_label('metric')}: the change in behaviour or results the goal should lead to")
        elif "'team_controls: false'" in msg:
            out.append(
                f"you unticked {_label('team_controls')}, so fill in {_label('reframe')}: the part the team can move"
            )
        elif "needs an 'initiative'" in msg:
            out.append(f"fill in {_label('goal')}: an output is kept as the initiative")
        elif "'proxy' is set" in msg or "needs_proxy" in msg:
            out.append(f"clear {_label('proxy')} or make it a slow outcome")
        elif e.get("type") == "string_too_short":
            out.append(f"{_label(field)} is too short (at least {e.get('ctx', {}).get('min_length', 1)} characters)")
        elif e.get("type") == "string_too_long":
            out.append(f"{_label(field)} is too long (at most {e.get('ctx', {}).get('max_length', 0)} characters)")
        elif e.get("type") == "literal_error":
            out.append(f"choose {_label(field)}")
        else:
            out.append(f"{_label(field)}: {msg}" if field else msg)
    return "; ".join(dict.fromkeys(out)) or "the example is not valid"


def form_message(exc: Exception) -> str:
    """Any failure to save, in the form's words and without server paths."""
    if isinstance(exc, ValidationError):
        return _validation_message(exc)
    text = str(exc)
    if isinstance(exc, StorageError):
        return (
            "the team's examples file cannot be written right now ("
            + no_paths(text).split("(", 1)[-1].split(")")[0]
            + "); ask whoever runs the app to check OKR_TEAM_EXAMPLES_FILE"
        )
    if isinstance(exc, InputError):
        return f"{_label('goal')}: {text}"
    m = _FIELD.search(text)
    if m and "numbers not in the goal" in text:
        numbers = re.search(r"\(([^)]*)\)", text[m.end() :])
        which = f" ({numbers.group(1)})" if numbers else ""
        return (
            f"{_label(m.group('f'))} has numbers the goal does not contain{which}: write [baseline], [target] and "
            "[deadline] instead, or put the numbers in the goal itself"
        )
    if m and "instruction" in text:
        return (
            f"{_label(m.group('f'))} reads like an instruction to the assistant; describe the goal and its review in "
            "plain words"
        )
    text = re.sub(r"^.*?example [a-z]+-\d+:\s*", "", no_paths(text))
    return _FIELD.sub(lambda m: _label(m.group("f")), text)


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
        prepared = prepare_goal(goal, service.settings.max_goal_chars)
        if prepared.flags & {"instructions", "markup"}:
            raise InputError(
                "This example reads like instructions to the assistant (or holds JSON or chat markup); team "
                "examples are shown to the model in every review, so write only the goal itself"
            )
        goal = prepared.for_model
        twin = next((e for e in service.chain.knowledge.examples if _goal_key(e.goal) == _goal_key(goal)), None)
        if twin is not None:
            return (
                f"❌ Not saved: this {_label('goal')} is already a worked example (*{twin.goal}*). "
                "Word the new goal differently, or leave the existing one as it is."
            )
        example = WorkedExample(
            id="team-001",  # a stand-in: the real id is chosen while the team file is locked
            domain=domain or "team",
            goal=goal,
            kind=kind,
            metric=(metric or "").strip() or None,
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
    except (OutcomeLensError, ValidationError) as exc:
        return f"❌ Not saved: {form_message(exc)}."
    tail = "".join(f"\n\n⚠️ {no_paths(n)}" for n in notes)
    return f"✅ Saved as {example.id} in the team's examples and indexed; used from the next review on.{tail}"
