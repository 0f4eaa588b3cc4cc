"""Deciding a review from the model's answer and the goal's own words: metric, control and horizon.

The model's verdicts are checked against evidence in the text and the catalogue: small models
over-use "not controllable" and "slow", and a free-text metric must not restate the deliverable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .candidates import Candidate, weak_match
from .compose import MetricView, measurability
from .kind_evidence import kind_evidence
from .policy import restates_output
from .ranking import lexical_tokens
from .schemas import Judgement, Kind, Measurability, MetricEntry
from .textutils import (
    direction_for,
    enforce_placeholders,
    has_external_scope,
    has_long_horizon,
    holds_short_limit,
    spans_whole_field,
    stated_dependency,
    words_for_windows,
)


@dataclass
class Decision:
    """Everything composition needs, decided once."""

    kind: Kind
    metric: MetricView
    entry: MetricEntry | None  # the catalogue entry behind ``metric`` (None for free text)
    team_controls: bool
    owned: MetricView | None  # what the team can move when it does not control the goal as written
    needs_proxy: bool
    proxy: MetricView | None
    notes: list[str] = field(default_factory=list)
    owned_is_quick: bool = False  # the reframed key result is read within the quarter: it steers a slow outcome
    dependency: str | None = None  # the team's own caveat naming what the result depends on


# Said when the catalogue's closest metric is a weak match (``candidates.WEAK_MATCH``): better than a silent guess.
WEAK_MATCH_NOTE = (
    "This metric is only a weak match in our catalogue: check that it is the result this work is for, or add your "
    "team's own metric (metrics.yaml in your data folder; see the README)."
)


def view(entry: MetricEntry) -> MetricView:
    return MetricView(name=entry.name, polarity=entry.polarity, id=entry.id, source=entry.source, horizon=entry.horizon)


def choose_metric(
    j: Judgement, candidates: list[Candidate], goal: str, kind: Kind, source: str | None = None
) -> tuple[MetricView, MetricEntry | None, list[str]]:
    """The model's pick when it is a candidate; its own metric only when none fit and it passes the checks."""
    by_name = {c.metric.name.lower(): c.metric for c in candidates}
    picked = by_name.get((j.metric or "").strip().lower())
    if picked:
        return view(picked), picked, []
    notes: list[str] = []
    free, replaced = enforce_placeholders(words_for_windows((j.new_metric or "").strip().rstrip(".")), source or goal)
    free = free or ""
    if replaced:  # a metric name never carries a number the user did not give
        notes.append(f"{replaced} number(s) you did not give were replaced with placeholders.")
    if free and not (kind == "output" and restates_output(free, goal)):
        polarity = j.new_direction or ("down" if direction_for(free) == "Reduce" else "up")
        notes.append(f"'{free}' is not in our metric catalogue; check that your team can measure it.")
        return MetricView(name=free, polarity=polarity), None, notes
    if candidates:
        best = candidates[0].metric
        if free:
            notes.append(
                f"The model's own metric ('{free}') restated the deliverable; the closest catalogue metric is used."
            )
        return view(best), best, notes
    notes.append("No catalogue metric fits this goal yet; name the change in behaviour it should cause.")
    return MetricView(name="[metric]", polarity="up"), None, notes


def decide(
    j: Judgement,
    candidates: list[Candidate],
    goal: str,
    catalogue: dict[str, MetricEntry],
    source: str | None = None,
    meas: Measurability | None = None,
    status: str | None = None,
) -> Decision:
    """Kind from the model or the wording; metric, control and horizon from the model's pick checked against evidence.

    ``source`` is everything the user said (goal, objective, follow-ups): the only allowed numbers.
    The goal's own wording overrules the model's kind when it settles it (``kind_evidence``). ``meas`` is the
    goal's own numbers as ``compose.measurability`` reads them, when the caller has already read them; ``status``
    what the team wrote beside the goal ("DONE").
    """
    meas = meas or measurability(goal)
    evidence = kind_evidence(goal, status)
    kind = evidence[0] if evidence else j.kind
    metric, entry, notes = choose_metric(j, candidates, goal, kind, source)
    weak = weak_match(candidates, entry)
    if weak and not (kind == "outcome" and meas.target):
        notes.append(WEAK_MATCH_NOTE)
    # "Not controllable" needs support in the user's words, and a whole market or industry named outright is never
    # controllable; an external catalogue metric is reframed either way.
    outside = (not j.team_controls and has_external_scope(goal)) or (kind == "outcome" and spans_whole_field(goal))
    owned: MetricView | None = None
    if entry and entry.scope == "external" and entry.owned_slice:
        owned = view(catalogue[entry.owned_slice])
        outside = True  # the catalogue says no team moves it alone: its owned slice is what the work moves
    elif outside and entry and not (kind == "outcome" and meas.target):
        owned = metric  # the metric is the part the team moves (a goal stated with its own target already says so)
    dependency = stated_dependency(goal)
    team_controls = not outside and not dependency  # the team's own caveat says it depends
    # Slow outcomes need a proxy: the catalogue's horizon, or the goal's own words (annual, lifetime...).
    basis = catalogue.get(owned.id) if owned and owned.id else entry
    slow = (
        kind == "outcome"
        and ((entry is not None and entry.horizon == "year") or has_long_horizon(goal))
        and not holds_short_limit(goal)
    )
    proxy = None
    # A reframed key result the team reads within the quarter is its own leading indicator: no second line for it.
    owned_is_quick = bool(owned and basis and owned.id and basis.horizon != "year")
    # A goal kept with its own target shows the catalogue's metric only through the proxy: offered only when the goal
    # names that metric in its own words (sets 30-58: 58 of 77 such proxies drew a coach's edit or reject, mostly
    # from a metric of another sense, "STEM camp" for stem rejection at a flower auction).
    unnamed = kind == "outcome" and bool(meas.target) and not (entry and names_metric(goal, entry))
    if slow and not weak and not unnamed:  # a proxy from a loose match is from another sector
        proxy = (_fastest_leading(basis, catalogue) if basis else None) or (
            _fastest_leading(entry, catalogue) if entry else None
        )
        if proxy and owned and proxy.id == owned.id:
            proxy = None  # the coach read "proxy: <the reframed key result>" as a repeat
    if slow and not proxy and not owned_is_quick:
        notes.append("This outcome is slow to show; pick a leading indicator readable within a quarter.")
    return Decision(kind, metric, entry, team_controls, owned, slow, proxy, notes, owned_is_quick, dependency)


def names_metric(goal: str, entry: MetricEntry) -> bool:
    """The goal names the metric in its own words: two thirds of the words of its name or of an alias, short forms
    spelled out ("NRR >= 112%" names net revenue retention; "Stem rejection at auction" does not name STEM camps)."""
    words = set(lexical_tokens(goal))
    for label in (entry.name, *entry.aliases):
        named = set(lexical_tokens(label))
        if named and 3 * len(words & named) >= 2 * len(named):
            return True
    return False


def _fastest_leading(entry: MetricEntry, catalogue: dict[str, MetricEntry]) -> MetricView | None:
    order = {"weeks": 0, "quarter": 1, "year": 2}
    leads = [catalogue[i] for i in entry.leading if i in catalogue and catalogue[i].horizon != "year"]
    if not leads:
        return None
    return view(min(leads, key=lambda m: order[m.horizon]))
