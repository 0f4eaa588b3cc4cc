"""Rewrite quality as a coach sees it: right metric, right direction, not the deliverable, no unrelated offers.

Pure arithmetic over graded records; the only outside help is ``map_metric``, which places a free-text
metric name (the first release's, or a checked free-text one) on the catalogue so both systems are
graded by the same labels. Every dev goal carries its acceptable catalogue ids, related ids and direction.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.policy import restates_output
from assistant.schemas import MetricEntry

MapFn = Callable[[str], tuple[str | None, float]]

_UP = re.compile(r"^(?:raise|increase|grow|improve|boost|lift|move|double|expand)\b", re.I)
_DOWN = re.compile(r"^(?:cut|reduce|lower|decrease|shrink|drop|halve|eliminate|minimi[sz]e)\b", re.I)
_KEEP = re.compile(r"^(?:keep|hold|maintain)\b", re.I)


def direction_of(rewrite: str) -> str | None:
    """'Cut X from ...' -> 'down'; 'Keep X within ...' -> 'within'; unknown verbs -> None."""
    text = rewrite.strip()
    if _UP.match(text):
        return "up"
    if _DOWN.match(text):
        return "down"
    if _KEEP.match(text):
        return "within"
    return None


@dataclass
class Graded:
    """One goal's rewrite defects, for one system."""

    id: str
    goal: str
    kind: str
    real: bool
    covered: bool  # the goal has at least one acceptable catalogue metric
    acceptable: bool | None  # chosen metric acceptable (None when not covered)
    direction_errors: int = 0
    restated: bool = False
    unrelated_alternatives: int = 0
    alternatives: int = 0
    proxy_given: bool = False
    proxy_linked: bool | None = None
    shown: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def defects(self) -> int:
        return (
            int(self.acceptable is False)
            + self.direction_errors
            + int(self.restated)
            + self.unrelated_alternatives
            + int(self.proxy_linked is False)
        )


def neighbourhood(ids: Sequence[str], catalogue: dict[str, MetricEntry]) -> set[str]:
    """Acceptable ids plus what naturally sits beside them: their leading metrics and owned slices."""
    out = set(ids)
    for i in ids:
        m = catalogue.get(i)
        if m:
            out |= set(m.leading)
            if m.owned_slice:
                out.add(m.owned_slice)
    return out


def resolve(metric_id: str | None, name: str | None, map_metric: MapFn) -> str | None:
    """The catalogue id behind a shown metric: its own id, else the mapped one."""
    if metric_id:
        return metric_id
    if not name:
        return None
    found, _ = map_metric(name)
    return found


def grade(
    record: dict[str, Any], label: dict[str, Any], catalogue: dict[str, MetricEntry], map_metric: MapFn
) -> Graded:
    """Grade one system's output for one goal against its labels.

    ``record``: kind, metric, metric_id, rewrites [{text, metric, metric_id, basis}], proxy, proxy_id.
    ``label``: id, goal, kind, tags, acceptable [ids], related [ids].
    """
    acceptable_ids: list[str] = label.get("acceptable", [])
    near = neighbourhood(acceptable_ids, catalogue) | set(label.get("related", []))
    g = Graded(
        id=label["id"],
        goal=label["goal"],
        kind=label["kind"],
        real="real" in label.get("tags", []),
        covered=bool(acceptable_ids),
        acceptable=None,
    )
    chosen = resolve(record.get("metric_id"), record.get("metric"), map_metric)
    if g.covered:
        g.acceptable = chosen in acceptable_ids
        if not g.acceptable:
            g.problems.append(f"metric '{record.get('metric')}' not acceptable")
    rewrites = record.get("rewrites") or []
    for n, rw in enumerate(rewrites):
        g.shown.append(rw["text"])
        if rw.get("basis") == "user":
            continue  # the user's own sentence and verb
        rid = resolve(rw.get("metric_id"), rw.get("metric"), map_metric)
        said = direction_of(rw["text"])
        truth = catalogue[rid].polarity if rid in catalogue else None
        if said and truth and {said, truth} == {"up", "down"}:
            g.direction_errors += 1
            g.problems.append(f"direction: '{rw['text']}'")
        main_of_output = n == 0 and label["kind"] == "output" and rid not in acceptable_ids
        if main_of_output and restates_output(rw.get("metric") or "", label["goal"]):
            g.restated = True
            g.problems.append(f"restates the deliverable: '{rw['text']}'")
        if n > 0 and rw.get("basis") != "proxy":
            g.alternatives += 1
            if rid not in near:
                g.unrelated_alternatives += 1
                g.problems.append(f"unrelated alternative: '{rw['text']}'")
    if record.get("proxy"):
        g.proxy_given = True
        pid = resolve(record.get("proxy_id"), record.get("proxy"), map_metric)
        basis = chosen if chosen in catalogue else None
        leads = neighbourhood([basis], catalogue) if basis else set()
        owned = catalogue[basis].owned_slice if basis and catalogue[basis].owned_slice else None
        if owned:
            leads |= neighbourhood([owned], catalogue)
        g.proxy_linked = pid is not None and pid in leads and pid != basis
        if not g.proxy_linked:
            g.problems.append(f"proxy '{record.get('proxy')}' does not lead the chosen metric")
    return g


def summarise(graded: Sequence[Graded]) -> dict[str, Any]:
    """The headline rewrite-quality figures for a set of graded goals."""
    covered = [g for g in graded if g.covered]
    outputs = [g for g in graded if g.kind == "output"]
    proxies = [g for g in graded if g.proxy_given]
    n_alt = sum(g.alternatives for g in graded)
    return {
        "n": len(graded),
        "catalogue_coverage": _share([g.covered for g in graded]),
        "metric_acceptable_at_1": _share([bool(g.acceptable) for g in covered]),
        "direction_errors": sum(g.direction_errors for g in graded),
        "restated_outputs": sum(g.restated for g in outputs),
        "restated_outputs_share": _share([g.restated for g in outputs]),
        "alternatives": n_alt,
        "unrelated_alternatives": sum(g.unrelated_alternatives for g in graded),
        "proxies": len(proxies),
        "proxy_linked": _share([bool(g.proxy_linked) for g in proxies]),
    }


def worst(graded: Sequence[Graded], n: int = 10) -> list[Graded]:
    """The n goals with the most defects (ties: outputs first, then by id), for the report verbatim."""
    bad = [g for g in graded if g.defects]
    return sorted(bad, key=lambda g: (-g.defects, g.kind != "output", g.id))[:n]


def _share(values: Sequence[bool]) -> float:
    return sum(values) / len(values) if values else float("nan")


class CatalogueMapper:
    """Places a free-text metric name on the catalogue by meaning (names embedded once), or nowhere."""

    def __init__(self, catalogue: dict[str, MetricEntry], embeddings: Any, threshold: float = 0.75) -> None:
        self.ids = list(catalogue)
        self.threshold = threshold
        self._embeddings = embeddings
        self._vectors = [_unit(v) for v in embeddings.embed_documents([catalogue[i].name for i in self.ids])]
        self._names = {catalogue[i].name.lower(): i for i in self.ids}

    def __call__(self, text: str) -> tuple[str | None, float]:
        exact = self._names.get(text.strip().lower())
        if exact:
            return exact, 1.0
        if not self.ids:
            return None, 0.0
        q = _unit(self._embeddings.embed_query(text))
        sims = [sum(a * b for a, b in zip(q, v, strict=True)) for v in self._vectors]
        best = max(range(len(sims)), key=sims.__getitem__)
        return (self.ids[best], sims[best]) if sims[best] >= self.threshold else (None, sims[best])


# ---------------------------------------------------------------------------------------- adapters

_FIRST_RELEASE_BASIS = {"model": "chosen", "proxy": "proxy"}


def from_chain(rec: dict[str, Any]) -> dict[str, Any]:
    """An eval record of this chain, in the shape ``grade`` reads."""
    return {
        "kind": rec.get("chain_kind"),
        "metric": rec.get("chain_metric"),
        "metric_id": rec.get("chain_metric_id"),
        "rewrites": rec.get("chain_rewrites") or [],
        "proxy": rec.get("chain_proxy"),
        "proxy_id": rec.get("chain_proxy_id"),
    }


def from_first_release(line: dict[str, Any]) -> dict[str, Any]:
    """A row of the first release's saved output (free-text metrics; the proxy was offered as a rewrite)."""
    rewrites = [
        {"text": t, "metric": m, "basis": _FIRST_RELEASE_BASIS.get(b, "alternative")}
        for t, m, b in zip(
            line.get("rewrites", []), line.get("rewrite_metrics", []), line.get("bases", []), strict=False
        )
    ]
    return {"kind": line.get("kind"), "metric": line.get("metric"), "rewrites": rewrites, "proxy": line.get("proxy")}


def grade_all(
    systems: dict[str, list[dict[str, Any] | None]],
    labels: list[dict[str, Any]],
    catalogue: dict[str, MetricEntry],
    map_metric: MapFn,
) -> dict[str, Any]:
    """Per system: the figures on the whole set, the real-style slice and the tidy rest, and the ten worst."""
    out: dict[str, Any] = {}
    for name, records in systems.items():
        graded = [
            grade(rec, lab, catalogue, map_metric) for rec, lab in zip(records, labels, strict=True) if rec is not None
        ]
        out[name] = {
            "all": summarise(graded),
            "real": summarise([g for g in graded if g.real]),
            "tidy": summarise([g for g in graded if not g.real]),
            "worst": [
                {"id": g.id, "goal": g.goal, "shown": g.shown, "problems": g.problems} for g in worst(graded, 10)
            ],
        }
    return out


def _unit(vector: list[float]) -> list[float]:
    norm = sum(x * x for x in vector) ** 0.5 or 1.0
    return [x / norm for x in vector]
