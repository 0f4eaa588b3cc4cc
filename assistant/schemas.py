"""Every data shape in one module: knowledge files, the model's answer, the review, the JSONL row.

The same models serve the chain, the CLI's JSON, the UI tables and the eval rows.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, create_model, field_validator, model_validator

from .policy import NUMBER_RE, RESTATED_WORK, is_activity_count

Kind = Literal["output", "outcome"]
# A metric's name or alias: one length bound for both (the activity-count and number rule is ``_outcome_name``).
MetricName = Annotated[str, Field(min_length=3, max_length=70)]
Polarity = Literal["up", "down", "within"]
Horizon = Literal["weeks", "quarter", "year"]
Scope = Literal["team", "external"]

FUNCTIONS = (
    "product",
    "growth",
    "marketing",
    "sales",
    "customer-success",
    "support",
    "engineering",
    "reliability",
    "security",
    "data",
    "people",
    "finance",
    "operations",
    "legal",
    "public-sector",
    "education",
    "healthcare",
    "community",
    "internal-tools",
)
Function = Literal[FUNCTIONS]  # type: ignore[valid-type]
RestatedWork = Literal[RESTATED_WORK]  # type: ignore[valid-type]
METRIC_ID = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"

PLACEHOLDER_BASELINE = "[baseline]"
PLACEHOLDER_TARGET = "[target]"
PLACEHOLDER_DEADLINE = "[deadline]"
PLACEHOLDER_NUMBER = "[number]"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --------------------------------------------------------------------------- knowledge files


class GuidanceCard(_Strict):
    """One idea of our outcome-vs-output guidance, in our own words."""

    id: str = Field(pattern=r"^G\d{2}$")
    title: str = Field(min_length=3, max_length=80)
    summary: str = Field(min_length=10, max_length=200, description="One sentence the model sees.")
    body: str = Field(min_length=40)
    tags: list[str] = Field(default_factory=list)


class WorkedExample(_Strict):
    """A labelled goal with the review we would give it; the nearest ones are shown to the model."""

    id: str = Field(pattern=r"^[a-z]{2,8}-\d{3,}$")  # team-1000 follows team-999
    domain: str = Field(min_length=2, max_length=30)
    goal: str = Field(min_length=5, max_length=300)
    kind: Kind
    metric_id: str | None = Field(None, pattern=METRIC_ID, description="The catalogue metric the goal moves.")
    metric: str | None = Field(None, min_length=2, max_length=80, description="Free-text metric (team examples).")
    rewrite: str | None = Field(None, max_length=300)
    initiative: str | None = Field(None, max_length=200)
    team_controls: bool = True
    reframe: str | None = Field(None, max_length=200)
    reframe_id: str | None = Field(None, pattern=METRIC_ID, description="Catalogue id of the slice the team owns.")
    needs_proxy: bool = False
    proxy: str | None = Field(None, max_length=120)
    proxy_id: str | None = Field(None, pattern=METRIC_ID, description="Catalogue id of the leading indicator.")
    why: str = Field(min_length=5, max_length=200)
    style: str | None = Field(None, max_length=30, description="How it is written: past-tense, statement, compound...")

    @model_validator(mode="after")
    def _consistent(self) -> WorkedExample:
        if not (self.metric_id or self.metric):
            raise ValueError("an example needs 'metric_id' (a catalogue id) or a free-text 'metric'")
        if self.kind == "output" and not self.initiative:
            raise ValueError("an output example needs an 'initiative' (the original work, kept)")
        if self.needs_proxy and not (self.proxy or self.proxy_id):
            raise ValueError("'needs_proxy: true' needs a 'proxy_id' (or a free-text 'proxy')")
        if not self.needs_proxy and (self.proxy or self.proxy_id):
            raise ValueError("'proxy' is set but 'needs_proxy' is false")
        if not self.team_controls and not (self.reframe or self.reframe_id):
            raise ValueError("'team_controls: false' needs a 'reframe_id' (or a free-text 'reframe') the team can own")
        return self


def _outcome_name(v: str) -> str:
    """A metric's name or alias: never a count of the team's own work, never a number (one rule for both)."""
    if is_activity_count(v) or NUMBER_RE.search(v):
        raise ValueError(
            f"name '{v}' reads like a count of the team's own work or holds a number; "
            "name the change in behaviour or results instead"
        )
    return v


class MetricEntry(_Strict):
    """One outcome metric of the catalogue (``knowledge/metrics/*.yaml``): what the model chooses from.

    The rewrite is composed from these fields in code, so each one must read well on its own.
    """

    id: str = Field(pattern=METRIC_ID, max_length=60)
    name: MetricName = Field(description="A noun phrase that reads well inside a sentence.")
    aliases: list[MetricName] = Field(
        default_factory=list,
        max_length=5,
        description="Other names teams give the metric ('basket size' for average order value), matched like the name.",
    )
    definition: str = Field(min_length=20, max_length=300, description="Who does what, counted how, over which window.")
    unit: str = Field(min_length=1, max_length=40)
    polarity: Polarity
    horizon: Horizon
    leading: list[str] = Field(default_factory=list, max_length=4)
    scope: Scope = "team"
    owned_slice: str | None = None
    source: str = Field(min_length=3, max_length=60)
    moved_by: list[str] = Field(min_length=1, max_length=12)
    restates: list[RestatedWork] = Field(  # type: ignore[valid-type]
        default_factory=list,
        description="Kinds of work this metric only measures the doing of ('hiring' for time to hire): "
        "never offered as the result of a goal that does that work.",
    )
    functions: list[Function] = Field(min_length=1)  # type: ignore[valid-type]

    @field_validator("name")
    @classmethod
    def _not_an_activity_count(cls, v: str) -> str:
        return _outcome_name(v)

    @field_validator("aliases")
    @classmethod
    def _aliases_are_outcome_names(cls, v: list[str]) -> list[str]:
        for alias in v:
            _outcome_name(alias)
        return v

    @model_validator(mode="after")
    def _consistent(self) -> MetricEntry:
        if self.scope == "external" and not self.owned_slice:
            raise ValueError("'scope: external' needs an 'owned_slice' id the team can move")
        if self.scope == "team" and self.owned_slice:
            raise ValueError("'owned_slice' is only for 'scope: external'")
        if self.id in self.leading:
            raise ValueError("a metric cannot lead itself")
        return self


# --------------------------------------------------------------------------- model answer


NONE_OF_THESE = "none of these"


class Judgement(BaseModel):
    """What the chat model is asked for: only the parts that need language understanding.

    Field order is generation order; lengths are capped so a grammar cannot run away. ``metric`` is
    narrowed to the goal's candidate names by :func:`judgement_schema`, so the model chooses, not invents.
    """

    kind: Kind = Field(description="output = something shipped or done; outcome = a change in behaviour/results")
    metric: str = Field(max_length=70, description="The candidate metric this goal should move, copied exactly")
    team_controls: bool = Field(description="Can the team move this by its own work?")
    new_metric: str | None = Field(
        None, max_length=60, description="Only if metric is 'none of these': the outcome metric, no numbers"
    )
    new_direction: Literal["up", "down"] | None = Field(None, description="Only with new_metric: better is up or down")


class KindJudgement(BaseModel):
    """The answer when the ranking picks the metric: only kind and control, ~8 fewer tokens to generate.

    Measured on the dev set, the 1.5B model's pick among the candidates was acceptable for 0.52 (tidy) and
    0.40 (real-style) of goals, while the ranking's first candidate was for 0.78 and 0.62.
    """

    kind: Kind = Field(description="output = something shipped or done; outcome = a change in behaviour/results")
    team_controls: bool = Field(description="Can the team move this by its own work?")


def judgement_schema(candidate_names: list[str]) -> type[Judgement]:
    """The answer schema for one goal: ``metric`` is an enum of its candidates (a grammar on local models)."""
    names = tuple(dict.fromkeys([*candidate_names, NONE_OF_THESE]))
    return create_model(
        "Judgement",
        __base__=Judgement,
        metric=(Literal[names], Field(description="One of the candidate metrics, copied exactly")),  # type: ignore[valid-type]
    )


# --------------------------------------------------------------------------- review


class Measurability(BaseModel):
    """What the goal's own text already pins down; parsed in code, never by the model."""

    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    time_limit: str | None = None  # "within 24 hours": the service level each case is held to, not a date
    notes: list[str] = Field(default_factory=list, description="numbers that could not be read (flagged, not guessed)")

    @property
    def measurable(self) -> bool:
        return bool(self.target)


class Rewrite(BaseModel):
    text: str
    metric: str
    metric_id: str | None = Field(None, description="Catalogue id; None for a checked free-text metric")
    basis: str = Field(description="Why it is offered: chosen, alternative, reframe, or the user's own numbers")


class Review(BaseModel):
    """The full review of one goal."""

    goal: str
    objective: str | None = None
    kind: Kind
    rationale: str
    sources: list[str] = Field(default_factory=list)
    metric: str | None = None
    metric_id: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    measurable: bool = False
    rewrites: list[Rewrite] = Field(default_factory=list, max_length=3)
    initiative: str | None = None
    hypothesis: str | None = None
    measured_in: str | None = Field(None, description="Where the metric's data lives (the catalogue's source)")
    needs_proxy: bool = False
    proxy: str | None = None
    proxy_id: str | None = None
    proxy_rewrite: str | None = None
    team_controls: bool = True
    control_reason: str = ""
    reframe: str | None = None
    notes: list[str] = Field(default_factory=list)
    model: str = ""
    usage: dict[str, int] = Field(default_factory=dict, description="tokens in/out and model calls")
    model_judgement: dict[str, object] = Field(default_factory=dict, description="the model's raw answer")
    candidates: list[str] = Field(default_factory=list, description="catalogue ids the model chose from, best first")

    @property
    def rewrite(self) -> str | None:
        return self.rewrites[0].text if self.rewrites else None

    @property
    def alternatives(self) -> list[Rewrite]:
        return self.rewrites[1:]


class ReviewRow(BaseModel):
    """The stable JSON Lines contract (one object per input goal). Documented in the README."""

    goal: str
    kind: Kind | None = None
    rationale: str | None = None
    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    rewrite: str | None = None
    initiative: str | None = None
    needs_proxy: bool = False
    proxy: str | None = None
    team_controls: bool | None = None
    sources: list[str] = Field(default_factory=list)
    error: str | None = None
    # additions beyond the minimum contract
    objective: str | None = None
    alternatives: list[str] = Field(default_factory=list)
    reframe: str | None = None
    notes: list[str] = Field(default_factory=list)
    metric_id: str | None = None
    hypothesis: str | None = None
    measured_in: str | None = None
    proxy_rewrite: str | None = None
    sheet: str | None = None
    team: str | None = Field(None, description="The team column of the input file, for the portfolio view")
    quarter: str | None = Field(None, description="The quarter column of the input file, e.g. 2025-Q1")

    @computed_field(description="0-100 from the checklist in knowledge/sets/score.yaml; None for a failed row")  # type: ignore[prop-decorator]
    @property
    def score(self) -> int | None:
        """The key result's score as written; computed from the row, so files and tables can never disagree."""
        if self.error or self.kind is None:
            return None
        from .scoring import row_checklist

        return row_checklist(self).score

    @classmethod
    def from_review(cls, review: Review) -> ReviewRow:
        return cls(
            goal=review.goal,
            kind=review.kind,
            rationale=review.rationale,
            metric=review.metric,
            baseline=review.baseline,
            target=review.target,
            deadline=review.deadline,
            rewrite=review.rewrite,
            initiative=review.initiative,
            needs_proxy=review.needs_proxy,
            proxy=review.proxy,
            team_controls=review.team_controls,
            sources=review.sources,
            objective=review.objective,
            alternatives=[r.text for r in review.alternatives],
            reframe=review.reframe,
            notes=review.notes,
            metric_id=review.metric_id,
            hypothesis=review.hypothesis,
            measured_in=review.measured_in,
            proxy_rewrite=review.proxy_rewrite,
        )

    @classmethod
    def failed(cls, goal: str, error: str, objective: str | None = None, sheet: str | None = None) -> ReviewRow:
        return cls(goal=goal, error=error, objective=objective, sheet=sheet)


class GoalItem(BaseModel):
    """One goal to review, with where it came from in a pasted roadmap."""

    text: str
    objective: str | None = None
    line: int | None = None
    sheet: str | None = Field(None, description="The XLSX sheet the goal came from")
    team: str | None = Field(None, description="From a team column: one file can hold several teams' sets")
    quarter: str | None = Field(None, description="From a quarter column, normalised to 2025-Q1 where it reads so")

    @field_validator("text")
    @classmethod
    def _no_surrounding_space(cls, v: str) -> str:
        return v.strip()


# --------------------------------------------------------------------------- set review (issue 11)

CheckId = Literal["outcome", "metric", "baseline", "target", "deadline", "controls", "readable", "source"]
CHECK_IDS: tuple[str, ...] = CheckId.__args__  # type: ignore[attr-defined]


class ScoreCheck(_Strict):
    """One item of the key-result checklist (``knowledge/score.yaml``): what it checks and what it is worth."""

    id: CheckId
    label: str = Field(min_length=3, max_length=60, description="What people read beside the tick or cross")
    weight: int = Field(ge=0, le=100, description="Points out of 100")
    fix: str = Field(min_length=5, max_length=120, description="What to do when it fails, as an instruction")


class ScoreConfig(_Strict):
    """The whole checklist; the weights add up to 100 so a score reads as 'out of 100'."""

    checks: list[ScoreCheck] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> ScoreConfig:
        ids = [c.id for c in self.checks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"each check may appear once; repeated: {sorted({i for i in ids if ids.count(i) > 1})}")
        if missing := [i for i in CHECK_IDS if i not in ids]:
            raise ValueError(f"checks missing: {missing} (give them weight 0 to switch them off)")
        total = sum(c.weight for c in self.checks)
        if total != 100:
            raise ValueError(f"the weights add up to {total}; make them add up to 100")
        return self


class Tension(_Strict):
    """Pushing ``push`` tends to hurt ``hurts``: the guardrail to suggest, and a conflict when both are key results."""

    push: str = Field(pattern=METRIC_ID)
    hurts: str = Field(pattern=METRIC_ID)
    why: str = Field(min_length=10, max_length=160)

    @model_validator(mode="after")
    def _different(self) -> Tension:
        if self.push == self.hurts:
            raise ValueError("a metric cannot be its own guardrail")
        return self


class KrCount(_Strict):
    min: int = Field(ge=1)
    max: int = Field(ge=1)


class SetRules(_Strict):
    """``knowledge/set_review.yaml``: the numbers behind the set-level checks, kept out of the code."""

    kr_count: KrCount
    duplicate_similarity: float = Field(gt=0, le=1, description="Tuned by evals/tune_duplicates.py")
    alignment_similarity: float = Field(gt=-1, le=1)
    tensions: list[Tension] = Field(default_factory=list)
    function_guardrails: dict[Function, str] = Field(default_factory=dict)  # type: ignore[valid-type]


class CheckResult(BaseModel):
    id: CheckId
    label: str
    passed: bool
    weight: int
    fix: str = ""

    @property
    def earned(self) -> int:
        return self.weight if self.passed else 0


class KRScore(BaseModel):
    """A 0-100 score with every check shown, so a reader can recompute it."""

    score: int = Field(ge=0, le=100)
    checks: list[CheckResult]


Severity = Literal["info", "warning", "problem"]
FindingKind = Literal[
    "kr_count",
    "no_outcome",
    "outputs",
    "initiative",
    "duplicate",
    "overlap",
    "conflict",
    "guardrail_conflict",
    "misaligned",
    "balance",
    "guardrail",
    "error",
]


class Finding(BaseModel):
    """One thing the set review noticed, with the rows it is about (1-based input positions)."""

    kind: FindingKind
    severity: Severity
    message: str
    objective: str | None = None
    rows: list[int] = Field(default_factory=list)


class SetKR(BaseModel):
    """A key result of the rewritten set: the chosen text, its slots, what sits under it, its score."""

    id: str = Field(description="Stable handle for edits: 'O1.KR2'")
    text: str
    original: str = Field(description="What the team wrote (or the first of the lines merged into this one)")
    rows: list[int] = Field(default_factory=list, description="Input rows (1-based) that became this key result")
    alternatives: list[str] = Field(default_factory=list)
    kind_before: Kind | None = None
    metric: str | None = None
    metric_id: str | None = None
    direction: Literal["up", "down", "within"] | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    initiatives: list[str] = Field(default_factory=list)
    proxy: str | None = None
    team_controls: bool = True
    measured_in: str | None = None
    horizon: Horizon | None = None
    keep: bool = True
    dropped_reason: str | None = None
    reviewed: bool = True
    aligned: bool | None = None
    alignment: str = ""
    score: KRScore | None = None
    score_before: KRScore | None = None


class SetObjective(BaseModel):
    id: str
    title: str
    krs: list[SetKR] = Field(default_factory=list)
    guardrails: list[str] = Field(default_factory=list)
    score: int = 0
    score_before: int = 0


class ScoreChange(BaseModel):
    """One of the changes that would raise the set's score most."""

    kr: str
    check: CheckId
    gain: float = Field(description="Points the set score would gain")
    message: str


class SetReview(BaseModel):
    """The typed result of :func:`assistant.review_set`: findings, scores and the rewritten, editable set."""

    objectives: list[SetObjective]
    findings: list[Finding] = Field(default_factory=list)
    score: int = 0
    score_before: int = 0
    top_changes: list[ScoreChange] = Field(default_factory=list)
    placeholders: list[str] = Field(default_factory=list, description="'O1.KR1: [target]' for every slot to fill")
    notes: list[str] = Field(default_factory=list)

    def kr(self, kr_id: str) -> SetKR:
        for obj in self.objectives:
            for kr in obj.krs:
                if kr.id == kr_id:
                    return kr
        raise KeyError(kr_id)
