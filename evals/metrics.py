"""Score arithmetic only - no model calls - so every formula is unit-tested on its own."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.textutils import has_slots, invented_numbers


def accuracy(gold: Sequence[object], pred: Sequence[object]) -> float:
    """Share right; a missing prediction counts as wrong, a system with no predictions at all is NaN."""
    if gold and all(p is None for p in pred):
        return float("nan")
    pairs = [(g, p) for g, p in zip(gold, pred, strict=True) if p is not None]
    return sum(g == p for g, p in pairs) / len(gold) if gold else float("nan")


def confusion(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]) -> dict[str, dict[str, int]]:
    """``matrix[gold][pred]``; a missing prediction is counted under 'none'."""
    matrix = {g: {p: 0 for p in [*labels, "none"]} for g in labels}
    for g, p in zip(gold, pred, strict=True):
        matrix[g][p if p in labels else "none"] += 1
    return matrix


def precision_recall(gold: Sequence[bool], pred: Sequence[bool | None]) -> tuple[float, float, float]:
    tp = sum(bool(g) and bool(p) for g, p in zip(gold, pred, strict=True))
    fp = sum(not g and bool(p) for g, p in zip(gold, pred, strict=True))
    fn = sum(bool(g) and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def macro_f1(gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]) -> float:
    scores = []
    for label in labels:
        _, _, f1 = precision_recall([g == label for g in gold], [p == label for p in pred])
        scores.append(f1)
    return sum(scores) / len(scores)


def slots_complete(rewrite: str | None, metric: str | None, users_sentence: bool = False) -> bool:
    """Names a metric and carries baseline, target and deadline (values or placeholders).

    A guardrail ("Keep X within ...") has no baseline to move from; the user's own sentence, kept because it
    has a target, is complete with that target and a deadline.
    """
    if not rewrite or not metric:
        return False
    slots = has_slots(rewrite)
    if users_sentence:
        return slots["deadline"]
    if rewrite.lower().startswith("keep "):
        slots.pop("baseline")
    return all(slots.values())


def count_invented(text: str | None, goal: str) -> int:
    return len(invented_numbers(text, goal))


def share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)
