"""Every data shape in one module: knowledge files, the model's answer, the review, the JSONL row.

The same models serve the chain, the CLI's JSON, the UI tables and the eval rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Kind = Literal["output", "outcome"]

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

    id: str = Field(pattern=r"^[a-z]{2,8}-\d{3}$")
    domain: str = Field(min_length=2, max_length=30)
    goal: str = Field(min_length=5, max_length=300)
    kind: Kind
    metric: str = Field(min_length=2, max_length=80, description="The outcome metric the goal moves.")
    rewrite: str | None = Field(None, max_length=300)
    initiative: str | None = Field(None, max_length=200)
    team_controls: bool = True
    reframe: str | None = Field(None, max_length=200)
    needs_proxy: bool = False
    proxy: str | None = Field(None, max_length=120)
    why: str = Field(min_length=5, max_length=200)

    @model_validator(mode="after")
    def _consistent(self) -> WorkedExample:
        if self.kind == "output" and not (self.rewrite and self.initiative):
            raise ValueError("an output example needs both 'rewrite' and 'initiative'")
        if self.needs_proxy and not self.proxy:
            raise ValueError("'needs_proxy: true' needs a 'proxy'")
        if not self.needs_proxy and self.proxy:
            raise ValueError("'proxy' is set but 'needs_proxy' is false")
        if not self.team_controls and not self.reframe:
            raise ValueError("'team_controls: false' needs a 'reframe' the team can own")
        return self


# --------------------------------------------------------------------------- model answer


class Judgement(BaseModel):
    """What the chat model is asked for: only the parts that need language understanding.

    Field order is generation order; lengths are capped so a grammar cannot run away.
    """

    kind: Kind = Field(description="output = something shipped or done; outcome = a change in behaviour/results")
    metric: str = Field(max_length=70, description="The customer or business metric the goal moves or should move")
    team_controls: bool = Field(description="Can the team move this metric by its own work?")
    owned_metric: str | None = Field(
        None, max_length=70, description="If team_controls is false: a metric the team can own instead"
    )
    needs_proxy: bool = Field(description="True only if the metric shows results after many months")
    proxy: str | None = Field(None, max_length=80, description="If needs_proxy: a metric readable within a quarter")


# --------------------------------------------------------------------------- review


class Measurability(BaseModel):
    """What the goal's own text already pins down; parsed in code, never by the model."""

    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None

    @property
    def measurable(self) -> bool:
        return bool(self.target)


class Rewrite(BaseModel):
    text: str
    metric: str
    basis: str = Field(description="Where the metric came from: model, example id, or proxy")


class Review(BaseModel):
    """The full review of one goal."""

    goal: str
    objective: str | None = None
    kind: Kind
    rationale: str
    sources: list[str] = Field(default_factory=list)
    metric: str | None = None
    baseline: str | None = None
    target: str | None = None
    deadline: str | None = None
    measurable: bool = False
    rewrites: list[Rewrite] = Field(default_factory=list, max_length=3)
    initiative: str | None = None
    needs_proxy: bool = False
    proxy: str | None = None
    team_controls: bool = True
    control_reason: str = ""
    reframe: str | None = None
    notes: list[str] = Field(default_factory=list)
    model: str = ""
    usage: dict[str, int] = Field(default_factory=dict, description="tokens in/out and model calls")
    model_judgement: dict[str, object] = Field(default_factory=dict, description="the model's raw answer")

    @property
    def rewrite(self) -> str | None:
        return self.rewrites[0].text if self.rewrites else None


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
            alternatives=[r.text for r in review.rewrites[1:]],
            reframe=review.reframe,
            notes=review.notes,
        )

    @classmethod
    def failed(cls, goal: str, error: str, objective: str | None = None) -> ReviewRow:
        return cls(goal=goal, error=error, objective=objective)


class GoalItem(BaseModel):
    """One goal to review, with where it came from in a pasted roadmap."""

    text: str
    objective: str | None = None
    line: int | None = None

    @field_validator("text")
    @classmethod
    def _no_surrounding_space(cls, v: str) -> str:
        return v.strip()
