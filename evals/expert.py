"""A coach's blind review of two systems on unseen real key results: the sheet, and the tally of the verdicts.

The dev set grades the metric against labels; a coach grades what users see. ``sheet`` puts each goal's two
reviews side by side as "Review X" and "Review Y" in an order drawn from a fixed seed (the coach is not told
which system is which), and returns the key. ``tally`` reads the coach's verdicts (a TSV with goal_number,
review, verdict, problem) back onto the systems. The goals live in ``evals/data/expert/unseen_real.tsv``,
written for this review and kept apart from ``knowledge/`` and the dev set (a test checks it).

    okr review --format jsonl --no-cache --input goals.txt > after.jsonl   # each system, same goals
    okr eval expert sheet before.jsonl after.jsonl OUT_DIR                 # OUT_DIR/sheet.md, key.json
    okr eval expert tally OUT_DIR/key.json grades.tsv                      # verdict counts per system
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

VERDICTS = ("ACCEPT", "EDIT", "REJECT")
SYSTEMS = ("before", "after")


def render(row: dict[str, Any]) -> str:
    """One review as the coach reads it: what the CLI and the chat show, in the same order."""
    kept = "(kept as written)"
    lines = [
        f"  kind: {row.get('kind')}  (team controls: {row.get('team_controls')})",
        f"  key result: {row.get('rewrite') or kept}",
    ]
    lines += [f"  alternative: {a.get('text', a) if isinstance(a, dict) else a}" for a in row.get("alternatives") or []]
    for label, key in (
        ("initiative", "initiative"),
        ("hypothesis", "hypothesis"),
        ("proxy (leading indicator)", "proxy_rewrite"),
        ("reframed to what the team owns", "reframe"),
        ("why", "rationale"),
        ("ERROR", "error"),
    ):
        if row.get(key):
            lines.append(f"  {label}: {row[key]}")
    return "\n".join(lines)


def sheet(before: Sequence[dict[str, Any]], after: Sequence[dict[str, Any]], seed: int = 7) -> tuple[str, list[dict]]:
    """The blind sheet (Markdown) and its key: for goal n, which system is X and which is Y."""
    if len(before) != len(after) or any(b.get("goal") != a.get("goal") for b, a in zip(before, after, strict=True)):
        raise ValueError("both runs must review the same goals in the same order")
    rng = random.Random(seed)
    parts, key = [], []
    for n, pair in enumerate(zip(before, after, strict=True), 1):
        order = list(zip(SYSTEMS, pair, strict=True))
        rng.shuffle(order)
        key.append({"n": n, "X": order[0][0], "Y": order[1][0]})
        (_, x), (_, y) = order
        parts.append(f"### Goal {n}: {x['goal']}\n- Review X:\n{render(x)}\n- Review Y:\n{render(y)}\n")
    return "\n".join(parts), key


def tally(key: Sequence[dict[str, Any]], grades: Sequence[dict[str, str]]) -> dict[str, dict[str, Any]]:
    """Verdict counts and shares per system; every goal must carry exactly one verdict for X and one for Y."""
    systems = {n["n"]: n for n in key}
    seen: set[tuple[int, str]] = set()
    counts = {s: Counter() for s in SYSTEMS}
    for g in grades:
        n, review, verdict = int(g["goal_number"]), g["review"].strip().upper(), g["verdict"].strip().upper()
        if n not in systems or review not in ("X", "Y") or verdict not in VERDICTS or (n, review) in seen:
            raise ValueError(f"bad or repeated grade: {g}")
        seen.add((n, review))
        counts[systems[n][review]][verdict] += 1
    if len(seen) != 2 * len(systems):
        raise ValueError(f"{2 * len(systems) - len(seen)} reviews have no verdict")
    total = len(systems)
    return {
        s: {
            **{v: counts[s][v] for v in VERDICTS},
            "goals": total,
            "accepted_share": round(counts[s]["ACCEPT"] / total, 3) if total else 0.0,
            "usable_share": round((counts[s]["ACCEPT"] + counts[s]["EDIT"]) / total, 3) if total else 0.0,
        }
        for s in SYSTEMS
    }


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) == 4 and args[0] == "sheet":
        text, key = sheet(_jsonl(Path(args[1])), _jsonl(Path(args[2])))
        out = Path(args[3])
        out.mkdir(parents=True, exist_ok=True)
        (out / "sheet.md").write_text(text, encoding="utf-8")
        (out / "key.json").write_text(json.dumps(key, indent=1) + "\n", encoding="utf-8")
        return 0
    if len(args) == 3 and args[0] == "tally":
        key = json.loads(Path(args[1]).read_text(encoding="utf-8"))
        with open(args[2], newline="", encoding="utf-8") as f:
            grades = list(csv.DictReader(f, delimiter="\t"))
        sys.stdout.write(json.dumps(tally(key, grades), indent=1) + "\n")
        return 0
    sys.stderr.write(__doc__.split("\n\n")[-1] + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
