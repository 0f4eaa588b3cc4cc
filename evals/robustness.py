"""Robustness of the input checks: ordinary goals must never be refused, attacks must not change the verdict.

Pure functions over data; the eval CLI wires them to the real chain. ``review_fn`` is any callable that turns a
goal into a dict with at least ``kind``, ``team_controls`` and ``needs_proxy`` (``metric`` is reported too).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from assistant.errors import InputError
from assistant.policy import instruction_like

DATA_DIR = Path(__file__).resolve().parent / "data" / "robustness"
ORDINARY_FILE = DATA_DIR / "ordinary.txt"
ADVERSARIAL_FILE = DATA_DIR / "adversarial.jsonl"
AGREEMENT_FIELDS = ("kind", "team_controls", "needs_proxy")

PrepareFn = Callable[[str], Any]
ReviewFn = Callable[[str], Mapping[str, Any]]


class Refusal(NamedTuple):
    goal: str
    reason: str


@dataclass(frozen=True)
class Attack:
    """A clean goal and the same goal with an instruction appended or embedded."""

    id: str
    clean: str
    attacked: str
    style: str


@dataclass
class Agreement:
    """How often the verdict on an attacked goal matches the verdict on its clean twin."""

    pairs: int = 0
    agreed: int = 0
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.agreed / self.pairs if self.pairs else 1.0


def load_ordinary(path: Path = ORDINARY_FILE) -> list[str]:
    """One ordinary key result per non-empty line."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_attacks(path: Path = ADVERSARIAL_FILE) -> list[Attack]:
    """The adversarial set; a malformed line fails with its number and the fix."""
    attacks = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            attacks.append(Attack(**json.loads(line)))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ValueError(f"{path.name} line {n}: {exc}; each line needs id, clean, attacked and style") from exc
    return attacks


def refusals(goals: Iterable[str], prepare: PrepareFn) -> list[Refusal]:
    """Goals that ``prepare`` refuses (raises ``InputError``); for ordinary goals this must be empty."""
    refused = []
    for goal in goals:
        try:
            prepare(goal)
        except InputError as exc:
            refused.append(Refusal(goal, str(exc)))
    return refused


def residual_instructions(attacks: Iterable[Attack], prepare: PrepareFn) -> list[Attack]:
    """Attacks whose sanitised text (``prepare(...).for_model``) still reads like instructions to the model."""
    left = []
    for attack in attacks:
        try:
            text = prepare(attack.attacked).for_model
        except InputError:
            continue
        if instruction_like(text):
            left.append(attack)
    return left


def verdict_agreement(pairs: Iterable[Attack | tuple[str, str]], review_fn: ReviewFn) -> Agreement:
    """Share of attacked goals whose kind, team_controls and needs_proxy equal those of the clean goal.

    A review that fails (raises, or returns an ``error``) on either side counts as a disagreement.
    """
    result = Agreement()
    for n, pair in enumerate(pairs, 1):
        attack = pair if isinstance(pair, Attack) else Attack(f"pair-{n}", pair[0], pair[1], "")
        result.pairs += 1
        try:
            clean, attacked = dict(review_fn(attack.clean)), dict(review_fn(attack.attacked))
        except Exception as exc:  # a crash on hostile input is a finding, not a reason to stop the eval
            result.disagreements.append({"id": attack.id, "style": attack.style, "error": repr(exc)})
            continue
        differ = [f for f in AGREEMENT_FIELDS if clean.get(f) != attacked.get(f)]
        failed = clean.get("error") or attacked.get("error")
        if differ or failed:
            result.disagreements.append(
                {
                    "id": attack.id,
                    "style": attack.style,
                    "fields": differ,
                    "error": failed,
                    "clean": {f: clean.get(f) for f in (*AGREEMENT_FIELDS, "metric")},
                    "attacked": {f: attacked.get(f) for f in (*AGREEMENT_FIELDS, "metric")},
                }
            )
        else:
            result.agreed += 1
    return result


def run(review_fn: ReviewFn, prepare: PrepareFn) -> dict[str, Any]:
    """Both sides of robustness on the real chain: refusals of ordinary goals, and the verdict under attack.

    ``review_fn`` is called once per distinct text the model would read: an attack that sanitising reduced to
    exactly the clean goal reaches the model as the same input, so its verdict is the clean one by construction
    (reported as such, not hidden).
    """
    ordinary = load_ordinary()
    attacks = load_attacks()
    refused = refusals(ordinary, prepare)
    seen: dict[str, Mapping[str, Any]] = {}

    def once(text: str) -> Mapping[str, Any]:
        key = prepare(text).for_model
        if key not in seen:
            seen[key] = review_fn(text)
        return seen[key]

    same_input = sum(prepare(a.attacked).for_model == prepare(a.clean).for_model for a in attacks)
    agreement = verdict_agreement(attacks, once)
    return {
        "ordinary_goals": len(ordinary),
        "ordinary_refused": len(refused),
        "refused_examples": [r.goal for r in refused[:5]],
        "attacks": len(attacks),
        "attack_styles": len({a.style for a in attacks}),
        "attacks_reaching_model_as_clean_goal": same_input,
        "residual_instructions": len(residual_instructions(attacks, prepare)),
        "verdict_agreement": agreement.rate,
        "disagreements": agreement.disagreements[:10],
        "model_calls": len(seen),
    }
