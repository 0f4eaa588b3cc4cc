"""Tune the relevance threshold for alternatives on the labelled dev set (no model calls: retrieval only).

For each goal the candidates are retrieved as in production; the chosen metric is simulated as the best
acceptable candidate (what a right answer looks like). Each threshold is scored by the alternatives it
would offer: related ones (acceptable, related, or beside them in the catalogue) and unrelated ones.
The threshold is picked on the tidy slice and checked on the real-style slice, so the check is honest.

    .venv/bin/python -m evals.tune_threshold            # prints a table and writes evals/reports/threshold.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assistant import candidates as C
from assistant.api import build_index_for
from assistant.ranking import RankWeights
from assistant.settings import Settings

from .quality import neighbourhood
from .runner import load_dev

THRESHOLDS = [round(0.30 + 0.025 * i, 3) for i in range(21)]
OUT = Path(__file__).parent / "reports" / "threshold.json"


def candidate_sets(settings: Settings) -> list[tuple[dict[str, Any], list[C.Candidate]]]:
    index = build_index_for(settings)
    cat = index.knowledge.catalogue
    out = []
    for row in load_dev():
        if not row["acceptable"]:
            continue
        weights = RankWeights.from_settings(settings)
        r = index.retrieve(row["goal"], 0, settings.examples_k, settings.metrics_k, weights=weights)
        out.append((row, C.gather(r, cat, settings.candidates_k, row["goal"])))
    return out


def score(sets: list[tuple[dict[str, Any], list[C.Candidate]]], threshold: float, catalogue: dict) -> dict[str, Any]:
    related = unrelated = goals_with_alt = 0
    for row, cands in sets:
        near = neighbourhood(row["acceptable"], catalogue) | set(row["related"])
        chosen = next((c.metric for c in cands if c.metric.id in row["acceptable"]), cands[0].metric if cands else None)
        alts = C.alternatives(cands, chosen, threshold)
        goals_with_alt += bool(alts)
        for a in alts:
            if a.metric.id in near:
                related += 1
            else:
                unrelated += 1
    return {
        "threshold": threshold,
        "related": related,
        "unrelated": unrelated,
        "goals_with_alternative": goals_with_alt,
    }


def main() -> int:
    settings = Settings()
    sets = candidate_sets(settings)
    catalogue = build_index_for(settings).knowledge.catalogue
    tidy = [s for s in sets if "real" not in s[0]["tags"]]
    real = [s for s in sets if "real" in s[0]["tags"]]
    recall = sum(any(c.metric.id in r["acceptable"] for c in cands) for r, cands in sets) / max(1, len(sets))
    table = [{"tidy": score(tidy, t, catalogue), "real": score(real, t, catalogue)} for t in THRESHOLDS]
    # Lowest threshold whose alternatives on the tidy slice are at most 10% unrelated (the labels list only a few
    # related ids per goal, so some "unrelated" ones are siblings a coach would accept); the real slice checks it.
    pick = next(
        (
            row["tidy"]["threshold"]
            for row in table
            if row["tidy"]["unrelated"] <= 0.1 * max(1, row["tidy"]["related"] + row["tidy"]["unrelated"])
        ),
        THRESHOLDS[-1],
    )
    print(f"goals: {len(sets)} (tidy {len(tidy)}, real {len(real)}); acceptable metric among candidates: {recall:.3f}")
    print("threshold | tidy related/unrelated/goals | real related/unrelated/goals")
    for row in table:
        t, r = row["tidy"], row["real"]
        mark = "  <- picked" if t["threshold"] == pick else ""
        print(
            f"{t['threshold']:.3f} | {t['related']}/{t['unrelated']}/{t['goals_with_alternative']} | "
            f"{r['related']}/{r['unrelated']}/{r['goals_with_alternative']}{mark}"
        )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"picked": pick, "candidate_recall": recall, "table": table}, indent=1))
    print(f"picked {pick}; written {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
