"""Retrieval quality without a model: does the catalogue ranking put an acceptable metric where the model sees it?

The chain offers the model the top ``candidates_k`` metrics of ``gather()``; the model can only pick an acceptable
metric that is among them, and a small model leans to the first. So for every labelled dev goal this ranks the
catalogue exactly as the chain does (cleaned goal -> ``KnowledgeIndex.retrieve`` -> ``candidates.gather``) with the
real MiniLM embeddings and reports top-1 acceptable, recall@3/5/8 and the reciprocal rank of the first acceptable
metric, per slice (tidy, real-style) and per half.

The halves are fixed by a hash of the goal id: ranking changes are tuned on the ``tune`` half only and the
``held-out`` half tells whether they generalise. Catalogue coverage (goals with any acceptable catalogue metric)
is reported beside them; goals without one are left out of the ranking figures.

A third slice, ``expert``, is reported apart from the dev set (its rows do not enter ``all``): the key results of
the coach's expert sets, each with the catalogue metrics a strict coach accepts for it
(``evals/data/expert/metric_labels.tsv``; labelled by helper reviewers from each goal's top twelve and the whole
catalogue, ``none`` where nothing fits). They are messier and span far more sectors than the dev set.

A fourth, ``handbook``, is also apart: outputs written the way company and public-sector OKR handbooks write them
(vendor names, migrations, rollouts; ``evals/data/tuning/handbook_output_labels.tsv``, labelled the same way). The
catalogue covers nearly all of them, so it reads how well the ranking finds a metric it has for common work.

    .venv/bin/python -m evals.retrieval_eval                 # or: okr eval retrieval
    .venv/bin/python -m evals.retrieval_eval --name before   # evals/reports/retrieval/before.{json,md}
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings, disable_telemetry

disable_telemetry()

OUT = Path(__file__).parent / "reports" / "retrieval"
EXPERT_LABELS = Path(__file__).parent / "data" / "expert" / "metric_labels.tsv"
HANDBOOK_LABELS = Path(__file__).parent / "data" / "tuning" / "handbook_output_labels.tsv"
CUTOFFS = (1, 3, 5, 8)
DEPTH = 20  # how deep the ranking is read for the reciprocal rank (beyond it counts as 0)
SLICES = ("tidy", "real", "expert", "handbook")
HALVES = ("tune", "held-out")

RankFn = Callable[[dict[str, Any]], list[str]]


def half_of(goal_id: str) -> str:
    """The goal's half, fixed by its id alone: new goals or reordered files never move old ones."""
    return "tune" if hashlib.sha256(goal_id.encode()).digest()[0] % 2 == 0 else "held-out"


def slice_of(row: dict[str, Any]) -> str:
    tags = row.get("tags", [])
    return next((t for t in ("expert", "handbook") if t in tags), "real" if "real" in tags else "tidy")


def load_expert_labels(path: Path = EXPERT_LABELS) -> list[dict[str, Any]]:
    """The expert sets' key results with their acceptable catalogue ids (none: nothing in the catalogue fits)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        set_name, goal, acceptable, _note = line.split("\t")
        rows.append(_labelled(set_name.removesuffix(".tsv"), goal, acceptable, "expert"))
    return rows


def load_handbook_labels(path: Path = HANDBOOK_LABELS) -> list[dict[str, Any]]:
    """The handbook-style outputs with their acceptable catalogue ids (goal, ids, note; a header line)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        goal, acceptable, _note = line.split("\t")
        rows.append(_labelled("handbook", goal, acceptable, "handbook"))
    return rows


def _labelled(prefix: str, goal: str, acceptable: str, tag: str) -> dict[str, Any]:
    """One labelled goal: an id fixed by its set and its text, and its acceptable ids ('none': nothing fits)."""
    ids = [] if acceptable == "none" else acceptable.split(",")
    goal_id = f"{prefix}-{hashlib.sha256(goal.encode()).hexdigest()[:8]}"
    return {"id": goal_id, "goal": goal, "acceptable": ids, "tags": [tag]}


def score_ranking(ranked: Sequence[str], acceptable: Sequence[str]) -> dict[str, float]:
    """Hit at each cutoff and the reciprocal rank of the first acceptable id (0 when none is ranked)."""
    first = next((n for n, mid in enumerate(ranked, 1) if mid in set(acceptable)), None)
    out = {f"top{c}" if c == 1 else f"recall@{c}": float(first is not None and first <= c) for c in CUTOFFS}
    out["mrr"] = 1.0 / first if first else 0.0
    return out


def summarise(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per slice x half (and 'all' for each): n, coverage and the mean of each ranking figure."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        for key in (f"{r['slice']}/{r['half']}", f"{r['slice']}/all", f"all/{r['half']}", "all/all"):
            groups.setdefault(key, []).append(r)
    out: dict[str, dict[str, Any]] = {}
    for key in sorted(groups):
        rows = groups[key]
        covered = [r for r in rows if r["covered"]]
        figures = {
            name: round(sum(r["scores"][name] for r in covered) / len(covered), 3) if covered else None
            for name in ("top1", "recall@3", "recall@5", "recall@8", "mrr")
        }
        out[key] = {"n": len(rows), "covered": len(covered), "coverage": round(len(covered) / len(rows), 3), **figures}
    return out


def evaluate(rows: list[dict[str, Any]], rank: RankFn) -> list[dict[str, Any]]:
    """One record per dev goal: its slice, half, the ranked ids and their scores against the labels."""
    records = []
    for row in rows:
        ranked = rank(row) if row["acceptable"] else []
        records.append(
            {
                "id": row["id"],
                "goal": row["goal"],
                "slice": slice_of(row),
                "half": half_of(row["id"]),
                "covered": bool(row["acceptable"]),
                "acceptable": row["acceptable"],
                "ranked": ranked[:8],
                "scores": score_ranking(ranked, row["acceptable"]),
            }
        )
    return records


def chain_ranker(settings: Settings) -> RankFn:
    """Rank as the chain does: the cleaned goal, the index's retrieve, then gather (deeper, for the MRR)."""
    from assistant import candidates as C
    from assistant.api import build_index_for
    from assistant.ranking import RankWeights
    from assistant.textutils import prepare_goal

    index = build_index_for(settings)
    catalogue = index.knowledge.catalogue

    def rank(row: dict[str, Any]) -> list[str]:
        goal = prepare_goal(row["goal"], settings.max_goal_chars).for_model
        r = index.retrieve(goal, 0, settings.examples_k, DEPTH, weights=RankWeights.from_settings(settings))
        return [c.metric.id for c in C.gather(r, catalogue, DEPTH, goal)]

    return rank


def markdown(summary: dict[str, dict[str, Any]], name: str) -> str:
    lines = [
        f"# Retrieval ranking ({name})",
        "",
        "Real MiniLM embeddings, real catalogue, ranked as the chain ranks (`retrieve` then `gather`).",
        "Halves are fixed by a hash of the goal id; ranking is tuned on `tune` only. Figures are over goals with",
        "an acceptable catalogue metric (`covered`); coverage is the share of goals that have one. `all` is the dev",
        "set (tidy and real); `expert` is the coach's expert sets and `handbook` handbook-style outputs, labelled",
        "apart and never in `all`.",
        "",
        "| slice/half | n | coverage | top-1 | recall@3 | recall@5 | recall@8 | MRR |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, s in summary.items():
        lines.append(
            f"| {key} | {s['n']} | {s['coverage']:.3f} | {s['top1']:.3f} | {s['recall@3']:.3f} | "
            f"{s['recall@5']:.3f} | {s['recall@8']:.3f} | {s['mrr']:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    from .runner import load_dev

    p = argparse.ArgumentParser(prog="okr eval retrieval", description=__doc__.split("\n\n")[0])
    p.add_argument("--name", default="latest", help="report name under evals/reports/retrieval (default latest)")
    p.add_argument("--out", type=Path, default=OUT, help="report folder")
    a = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    rank = chain_ranker(Settings())
    records = evaluate(load_dev(), rank)
    apart = evaluate(load_expert_labels(), rank) + evaluate(load_handbook_labels(), rank)
    summary = summarise(records)
    summary.update({k: v for k, v in summarise(apart).items() if k.startswith(("expert/", "handbook/"))})
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / f"{a.name}.json").write_text(json.dumps({"summary": summary, "records": records + apart}, indent=1) + "\n")
    (a.out / f"{a.name}.md").write_text(markdown(summary, a.name), encoding="utf-8")
    sys.stdout.write(markdown(summary, a.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
