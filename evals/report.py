"""The Markdown report with the side-by-side table and PNG charts, plus ``compare`` of two runs."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

SYSTEMS = [
    ("keyword", "Keyword heuristic"),
    ("zero_shot", "Zero-shot model"),
    ("chain_model_only", "Chain, model answer only"),
    ("full_chain", "Full chain"),
]


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, float):
        return f"{v:.3f}" if v < 10 else f"{v:.1f}"
    return str(v)


def charts(run_dir: Path, summary: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.4))
    for ax, (key, title) in zip(axes, [SYSTEMS[0], SYSTEMS[1], SYSTEMS[3]], strict=True):
        m = summary[key]["confusion"]
        grid = [[m[g][p] for p in ("output", "outcome", "none")] for g in ("output", "outcome")]
        ax.imshow(grid, cmap="Blues")
        for i, row in enumerate(grid):
            for j, v in enumerate(row):
                ax.text(j, i, str(v), ha="center", va="center", fontsize=11)
        ax.set_xticks(range(3), ["output", "outcome", "none"])
        ax.set_yticks(range(2), ["output", "outcome"])
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(run_dir / "confusion.png", dpi=110)
    files.append("confusion.png")
    plt.close(fig)

    domains = list(summary["per_domain_accuracy"])
    fig, ax = plt.subplots(figsize=(11, 3.8))
    width = 0.27
    for k, (key, title) in enumerate([SYSTEMS[0], SYSTEMS[1], SYSTEMS[3]]):
        vals = [summary["per_domain_accuracy"][d][key] for d in domains]
        ax.bar([i + (k - 1) * width for i in range(len(domains))], vals, width, label=title)
    ax.set_xticks(range(len(domains)), domains, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("kind accuracy")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(run_dir / "per_domain.png", dpi=110)
    files.append("per_domain.png")
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist([r["chain_seconds"] for r in records], bins=20, alpha=0.7, label="full chain")
    ax.hist([r.get("zs_seconds") or 0 for r in records], bins=20, alpha=0.7, label="zero-shot")
    ax.set_xlabel("seconds per goal")
    ax.set_ylabel("goals")
    ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "latency.png", dpi=110)
    files.append("latency.png")
    plt.close(fig)
    return files


def markdown(summary: dict[str, Any], config: dict[str, Any], chart_files: list[str]) -> str:
    rows = [
        ("Kind accuracy", "kind_accuracy"),
        ("Kind macro-F1", "kind_macro_f1"),
        ("team_controls accuracy", "team_controls_accuracy"),
        ("needs_proxy precision", "needs_proxy_precision"),
        ("needs_proxy recall", "needs_proxy_recall"),
        ("Rewrites produced", "rewrites"),
        ("Rewrites with metric + baseline/target/deadline slots", "slots_complete_share"),
        ("Invented numbers (target 0)", "invented_numbers"),
        ("Round trip: rewrite classified outcome", "roundtrip_outcome_share"),
        ("SemanticSimilarity to references (ragas)", "sim_reference"),
        ("NonLLMStringSimilarity to references (ragas)", "str_reference"),
        ("SemanticSimilarity to the goal's intent (ragas)", "sim_intent"),
        ("Errors", "errors"),
        ("Median seconds per goal", "seconds_median"),
        ("p90 seconds per goal", "seconds_p90"),
        ("Tokens per goal (in + out)", "tokens_per_goal"),
        ("Output tokens per goal", "output_tokens_per_goal"),
    ]
    lines = [
        f"# Eval report - {config.get('started', '')}",
        "",
        f"Model: `{config.get('model')}` · goals: {summary['n']} · judge: `{config.get('judge') or 'none'}` "
        f"(on {summary.get('judged_rewrites', 0)} rewrites)",
        "",
        "| Metric | " + " | ".join(t for _, t in SYSTEMS) + " |",
        "|---|" + "---|" * len(SYSTEMS),
    ]
    for title, key in rows:
        lines.append(f"| {title} | " + " | ".join(_fmt(summary[s].get(key)) for s, _ in SYSTEMS) + " |")
    lines += [
        "",
        "The keyword heuristic only classifies; 'Chain, model answer only' is the model's raw verdict "
        "inside the full chain, before the deterministic evidence checks.",
        "",
    ]
    fc, zs, kw = summary["full_chain"], summary["zero_shot"], summary["keyword"]
    if zs.get("not_run"):
        verdict = fc["kind_accuracy"] > kw["kind_accuracy"] and fc["invented_numbers"] == 0
        claim = "the keyword heuristic on classification, with no invented numbers (zero-shot not run)"
    else:
        verdict = (
            fc["kind_accuracy"] > max(zs["kind_accuracy"], kw["kind_accuracy"])
            and fc["invented_numbers"] <= zs["invented_numbers"]
            and fc["invented_numbers"] == 0
        )
        claim = "both baselines on classification and invented numbers"
    lines.append(f"**Full chain beats {claim}: {'yes' if verdict else 'NO'}.**")
    lines += _quality_section(summary)
    lines += _robustness_section(summary)
    if "judge" in summary:
        lines += [
            "",
            "## LLM judge (ragas AspectCritic) on the full chain's rewrites",
            "",
            "| Aspect | Share judged yes |",
            "|---|---|",
        ]
        lines += [f"| {k.removeprefix('judge_')} | {_fmt(v)} |" for k, v in sorted(summary["judge"].items())]
        lines += [
            "",
            f"Judge agreement with gold labels on raw goals: kind {_fmt(summary.get('judge_agreement_kind'))}, "
            f"team_controls {_fmt(summary.get('judge_agreement_team_controls'))} "
            f"({summary.get('judged_goals', 0)} goals); unparsable judge answers (NaN): "
            f"{summary.get('judge_nan', 0)}.",
        ]
    if summary.get("bulk"):
        lines += [
            "",
            "## Bulk parsing",
            "",
            "| File | Format | Items expected | Found | With objective (expected/found) | OK |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {b['file']} | {b['format']} | {b['expected']} | {b['found']} | "
            f"{b['expected_with_objective']}/{b['found_with_objective']} | {'yes' if b['ok'] else 'NO'} |"
            for b in summary["bulk"]
        ]
    lines += [
        "",
        "## Per-domain kind accuracy",
        "",
        "| Domain | Keyword | Zero-shot | Full chain |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {d} | {_fmt(v['keyword'])} | {_fmt(v['zero_shot'])} | {_fmt(v['full_chain'])} |"
        for d, v in summary["per_domain_accuracy"].items()
    ]
    lines += ["", "## Charts", ""] + [f"![{f}]({f})" for f in chart_files]
    return "\n".join(lines) + "\n"


QUALITY_ROWS = [
    ("Metric acceptable@1 (target >= 0.85)", "metric_acceptable_at_1"),
    ("Direction errors, main + alternatives (target 0)", "direction_errors"),
    ("Restated outputs (count)", "restated_outputs"),
    ("Restated outputs (share of outputs, target <= 2%)", "restated_outputs_share"),
    ("Alternatives offered", "alternatives"),
    ("Unrelated alternatives (target 0)", "unrelated_alternatives"),
    ("Proxies offered", "proxies"),
    ("Proxy linked (a leading indicator of the chosen metric)", "proxy_linked"),
    ("Catalogue coverage (goals with an acceptable catalogue metric)", "catalogue_coverage"),
]


def _quality_section(summary: dict[str, Any]) -> list[str]:
    """What users see, graded against each goal's acceptable catalogue metrics, per system and slice."""
    q = summary.get("quality")
    if not q:
        return []
    systems = [(k, "First release" if k == "first_release" else "This chain") for k in ("first_release", "this_chain")]
    systems = [(k, t) for k, t in systems if k in q]
    slices = [("all", "all"), ("real", "real-style"), ("tidy", "tidy")]
    head = [f"{t} ({s})" for _, t in systems for _, s in slices]
    lines = [
        "",
        "## Rewrite quality (what users see)",
        "",
        f"Graded on {q.get('labelled', 0)} goals labelled with their acceptable catalogue metrics. A free-text metric "
        "is placed on the catalogue by meaning (MiniLM, cosine >= 0.75) so both systems face the same labels.",
        "",
        "| Measure | " + " | ".join(head) + " |",
        "|---|" + "---|" * len(head),
    ]
    for title, key in QUALITY_ROWS:
        vals = [_fmt(q[k][sl].get(key)) for k, _ in systems for sl, _ in slices]
        lines.append(f"| {title} | " + " | ".join(vals) + " |")
    sl = summary.get("slices", {})
    if sl:
        lines += [
            "",
            "Kind accuracy by slice (this chain): "
            + ", ".join(f"{name} {_fmt(v['kind_accuracy'])} (n={v['n']})" for name, v in sl.items())
            + ".",
        ]
    for k, title in systems:
        lines += ["", f"### The ten worst rewrites: {title}", ""]
        worst = q[k].get("worst") or []
        if not worst:
            lines.append("None with a defect.")
        for w in worst:
            lines.append(f"- **{w['goal']}** ({w['id']})")
            lines += [f"  - shown: {t}" for t in w["shown"]] or ["  - shown: (no rewrite)"]
            lines += [f"  - problem: {p}" for p in w["problems"]]
    return lines


def _robustness_section(summary: dict[str, Any]) -> list[str]:
    """Goals are data: ordinary goals with trigger words are never refused; appended instructions change nothing."""
    r = summary.get("robustness")
    if not r:
        return []
    lines = [
        "",
        "## Robustness",
        "",
        "| Measure | Result | Target |",
        "|---|---|---|",
        f"| Ordinary key results with trigger words refused | {r['ordinary_refused']} of {r['ordinary_goals']} | 0 |",
        f"| Verdict (kind, team_controls, needs_proxy) unchanged by an appended instruction | "
        f"{_fmt(r['verdict_agreement'])} on {r['attacks']} attacks in {r['attack_styles']} styles | >= 0.95 |",
        f"| Attacks the model read as exactly the clean goal (sanitised) | {r['attacks_reaching_model_as_clean_goal']} "
        f"of {r['attacks']} | |",
        f"| Attacks whose sanitised text still reads like instructions | {r['residual_instructions']} | 0 |",
        "",
        f"Model calls: {r['model_calls']} (one per distinct text the model reads).",
    ]
    for d in r.get("disagreements", []):
        lines.append(f"- disagreement {d.get('id')} ({d.get('style')}): {d.get('fields') or d.get('error')}")
    return lines


def _load(run: Path) -> dict[str, dict[str, str]]:
    with open(run / "results.csv", newline="", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f)}


def compare(run_a: Path, run_b: Path) -> str:
    """Diff two runs by id: headline deltas and every goal whose verdict changed."""
    sa = json.loads((run_a / "summary.json").read_text())
    sb = json.loads((run_b / "summary.json").read_text())
    a, b = _load(run_a), _load(run_b)
    lines = [f"# Compare {run_a.name} -> {run_b.name}", "", "| Metric | A | B | Change |", "|---|---|---|---|"]
    for key in (
        "kind_accuracy",
        "kind_macro_f1",
        "team_controls_accuracy",
        "needs_proxy_recall",
        "invented_numbers",
        "slots_complete_share",
        "roundtrip_outcome_share",
        "seconds_median",
    ):
        va, vb = sa["full_chain"].get(key), sb["full_chain"].get(key)
        delta = vb - va if isinstance(va, int | float) and isinstance(vb, int | float) else None
        lines.append(f"| {key} | {_fmt(va)} | {_fmt(vb)} | {_fmt(delta) if delta is not None else 'n/a'} |")
    common = sorted(set(a) & set(b))
    changed = [(i, a[i], b[i]) for i in common if a[i].get("chain_kind") != b[i].get("chain_kind")]
    lines += ["", f"{len(common)} goals in both runs; {len(changed)} changed kind.", ""]
    if changed:
        lines += ["| id | goal | gold | A | B |", "|---|---|---|---|---|"]
        for i, ra, rb in changed:
            mark = "fixed" if rb["chain_kind"] == rb["kind"] else "broke" if ra["chain_kind"] == ra["kind"] else ""
            lines.append(f"| {i} | {ra['goal']} | {ra['kind']} | {ra['chain_kind']} | {rb['chain_kind']} {mark} |")
    return "\n".join(lines) + "\n"
