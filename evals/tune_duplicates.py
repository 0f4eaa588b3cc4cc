"""Tune the set review's duplicate threshold on labelled pairs (no chat model: the index's embedding model only).

Each threshold is scored by how many labelled pairs it gets right (same meaning above it, different below);
the pick is the threshold with the best F0.5 on "same" (a false alarm costs a reader's attention, so
precision counts more than recall), the highest one on ties. The table
is written to evals/reports/sets/duplicate_threshold.json; copy the pick into knowledge/sets/set_review.yaml.

    .venv/bin/python -m evals.tune_duplicates
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.retrieval import get_embeddings
from assistant.setreview import cosine, gist
from assistant.settings import Settings

PAIRS = Path(__file__).parent / "data" / "duplicate_pairs.yaml"
OUT = Path(__file__).parent / "reports" / "sets" / "duplicate_threshold.json"
THRESHOLDS = [round(0.40 + 0.025 * i, 3) for i in range(23)]


def table(sims: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    rows = []
    for t in THRESHOLDS:
        tp = sum(s >= t and same for s, same in sims)
        fp = sum(s >= t and not same for s, same in sims)
        fn = sum(s < t and same for s, same in sims)
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        f05 = 1.25 * tp / (1.25 * tp + 0.25 * fn + fp) if tp else 0.0  # precision counts more: a false alarm costs
        rows.append(
            {"threshold": t, "true_pos": tp, "false_pos": fp, "false_neg": fn, "f1": round(f1, 3), "f05": round(f05, 3)}
        )
    return rows


def main() -> int:
    settings = Settings()
    pairs = yaml.safe_load(PAIRS.read_text(encoding="utf-8"))
    emb = get_embeddings(settings)
    sims = []
    for p in pairs:
        va, vb = emb.embed_documents([gist(p["a"]), gist(p["b"])])  # as the set review compares them
        sims.append((round(cosine(va, vb), 3), bool(p["same"])))
    rows = table(sims)
    best = max(rows, key=lambda r: (r["f05"], r["threshold"]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "embedding_model": settings.embedding_model,
                "pairs": len(pairs),
                "picked": best["threshold"],
                "table": rows,
                "similarities": [
                    {"a": p["a"], "b": p["b"], "same": p["same"], "cosine": s}
                    for p, (s, _) in zip(pairs, sims, strict=True)
                ],
            },
            indent=1,
        ),
        encoding="utf-8",
    )
    for r in rows:
        print(
            f"{r['threshold']:.3f}  tp {r['true_pos']:2d}  fp {r['false_pos']:2d}  "
            f"fn {r['false_neg']:2d}  f1 {r['f1']:.3f}  f0.5 {r['f05']:.3f}"
        )
    print(f"picked {best['threshold']} -> {OUT}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
