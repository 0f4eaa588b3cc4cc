"""Run one experiment: every dev goal through the keyword heuristic, the zero-shot model and the full chain."""

from __future__ import annotations

import csv
import json
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel

from assistant.chain import ReviewChain
from assistant.errors import OutcomeLensError
from assistant.roadmap import parse_roadmap
from assistant.schemas import GoalItem

from . import metrics as M
from .baselines import keyword_kind, zero_shot

DATA = Path(__file__).parent / "data"
RUNS = Path(__file__).parent / "runs"
KINDS = ["output", "outcome"]


def _split(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(";") if x.strip()]


def load_labels(path: Path = DATA / "metric_labels.csv") -> dict[str, dict[str, list[str]]]:
    """Per dev id: the acceptable catalogue metric ids (1-3) and related ids (fine as alternatives)."""
    if not path.exists():
        return {}
    with open(path, newline="", encoding="utf-8") as f:
        return {
            r["id"]: {"acceptable": _split(r["acceptable"]), "related": _split(r.get("related"))}
            for r in csv.DictReader(f)
        }


def load_dev(
    path: Path = DATA / "dev.csv", limit: int | None = None, only_tag: str | None = None
) -> list[dict[str, Any]]:
    """The labelled dev set; booleans parsed, ';'-lists split, metric labels joined by id."""
    labels = load_labels()
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append(
                {
                    **r,
                    "team_controls": r["team_controls"] == "True",
                    "needs_proxy": r["needs_proxy"] == "True",
                    "metrics": _split(r["metrics"]),
                    "references": _split(r["references"]),
                    "tags": _split(r["tags"]),
                    **labels.get(r["id"], {"acceptable": [], "related": []}),
                }
            )
    if only_tag:
        rows = [r for r in rows if only_tag in r["tags"]]
    return _spread(rows, limit) if limit else rows


def _spread(rows: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """An even sample across the file (so a small --limit still spans domains and kinds)."""
    if limit >= len(rows):
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


@dataclass
class RunConfig:
    model_label: str
    limit: int | None = None
    roundtrip: bool = True
    judge_label: str | None = None
    judge_limit: int = 0
    semantic: bool = True
    zero_shot: bool = True


def run_rows(
    chain: ReviewChain,
    model: BaseChatModel,
    rows: list[dict[str, Any]],
    config: RunConfig,
    progress: Callable[[int, int], None] | None = None,
    sink: Path | None = None,
) -> list[dict[str, Any]]:
    """Evaluate each row; failures are recorded in the row's error columns, never raised.

    Systems run in phases (zero-shot for all rows, then the chain, then round trips) so llama.cpp's
    cached prompt prefix is reused within a phase and the chain's timings match production.
    """
    records = [_baseline_record(model if config.zero_shot else None, row) for row in _ticking(rows, progress, 3)]
    _dump(sink, records)
    for rec in _ticking(records, progress, 3, offset=len(rows)):
        rec.update(_chain_record(chain, rec["goal"]))
    _dump(sink, records)
    for rec in _ticking(records, progress, 3, offset=2 * len(rows)):
        rec["roundtrip_kind"] = None
        if config.roundtrip and rec.get("chain_rewrite"):
            try:
                rec["roundtrip_kind"] = chain.review(GoalItem(text=rec["chain_rewrite"])).kind
            except OutcomeLensError as exc:
                rec["roundtrip_kind"] = f"error: {exc}"
    _dump(sink, records)
    return records


def _ticking(items: list[Any], progress: Callable[[int, int], None] | None, phases: int, offset: int = 0) -> Any:
    for n, item in enumerate(items, 1):
        yield item
        if progress:
            progress(offset + n, phases * len(items))


def _dump(sink: Path | None, records: list[dict[str, Any]]) -> None:
    if sink:
        sink.write_text("".join(json.dumps(r, default=str) + "\n" for r in records), encoding="utf-8")


def _baseline_record(model: BaseChatModel | None, row: dict[str, Any]) -> dict[str, Any]:
    goal = row["goal"]
    rec: dict[str, Any] = {k: row[k] for k in ("id", "domain", "goal", "kind", "team_controls", "needs_proxy")}
    rec["tags"] = ";".join(row["tags"])
    rec["heuristic_kind"] = keyword_kind(goal)
    if model is None:  # zero-shot skipped for this run
        return rec
    zs = zero_shot(model, goal)
    rec.update(
        {
            f"zs_{k}": zs.get(k)
            for k in ("kind", "team_controls", "needs_proxy", "rewrite", "seconds", "tokens_in", "tokens_out", "error")
        }
    )
    rec["zs_invented"] = M.count_invented(zs.get("rewrite"), goal)
    rec["zs_slots"] = M.slots_complete(zs.get("rewrite"), zs.get("metric"))
    return rec


def _chain_record(chain: ReviewChain, goal: str) -> dict[str, Any]:
    start = time.perf_counter()
    rec: dict[str, Any]
    try:
        review = chain.review(GoalItem(text=goal))
        texts = [rw.text for rw in review.rewrites] + [review.proxy or "", review.reframe or ""]
        rec = {
            "chain_kind": review.kind,
            "chain_team_controls": review.team_controls,
            "chain_needs_proxy": review.needs_proxy,
            "chain_rewrite": review.rewrite,
            "chain_rewrites": [rw.model_dump() for rw in review.rewrites],
            "chain_alternatives": [rw.text for rw in review.alternatives],
            "chain_metric": review.metric,
            "chain_metric_id": review.metric_id,
            "chain_proxy_id": review.proxy_id,
            "chain_proxy_rewrite": review.proxy_rewrite,
            "chain_hypothesis": review.hypothesis,
            "chain_candidates": ";".join(review.candidates),
            "chain_proxy": review.proxy,
            "chain_reframe": review.reframe,
            "model_kind": review.model_judgement.get("kind"),
            "model_team_controls": review.model_judgement.get("team_controls"),
            "model_needs_proxy": review.model_judgement.get("needs_proxy"),
            "chain_tokens_in": review.usage.get("input_tokens", 0),
            "chain_tokens_out": review.usage.get("output_tokens", 0),
            "chain_calls": review.usage.get("calls", 0),
            "chain_sources": ";".join(review.sources),
            "chain_error": None,
            "chain_invented": sum(M.count_invented(t, goal) for t in texts),
            "chain_slots": M.slots_complete(
                review.rewrite, review.metric, users_sentence=review.rewrites[0].basis == "user"
            )
            if review.rewrite
            else None,
        }
    except OutcomeLensError as exc:
        rec = {"chain_kind": None, "chain_error": str(exc), "chain_invented": 0, "chain_slots": None}
    rec["chain_seconds"] = time.perf_counter() - start
    return rec


def add_semantic(
    records: list[dict[str, Any]], rows: list[dict[str, Any]], llm: BaseChatModel, embeddings: Embeddings
) -> None:
    """ragas similarity of each system's rewrite to the references and to the goal's intent."""
    from .semantic import similarities

    refs = [r["references"] for r in rows]
    goals = [[r["goal"]] for r in rows]
    for prefix in ("chain", "zs"):
        responses = [rec.get(f"{prefix}_rewrite") for rec in records]
        to_ref = similarities(responses, refs, llm, embeddings)
        to_goal = similarities(responses, goals, llm, embeddings)
        for rec, a, b, c in zip(records, to_ref["semantic"], to_ref["string"], to_goal["semantic"], strict=True):
            rec[f"{prefix}_sim_reference"] = a
            rec[f"{prefix}_str_reference"] = b
            rec[f"{prefix}_sim_intent"] = c


def add_judge(
    records: list[dict[str, Any]], judge_llm: BaseChatModel, embeddings: Embeddings, limit: int
) -> dict[str, Any]:
    """AspectCritic on the chain's rewrites, and on the raw goals to grade the judge against gold labels."""
    from .semantic import GOAL_ASPECTS, judge

    picked = [r for r in records if r.get("chain_rewrite")][:limit]
    verdicts = judge([r["goal"] for r in picked], [r["chain_rewrite"] for r in picked], judge_llm, embeddings)
    for name, values in verdicts.items():
        for rec, v in zip(picked, values, strict=True):
            rec[f"judge_{name}"] = v
    sample = _spread(records, limit) if limit else []
    on_goals = judge([r["goal"] for r in sample], [r["goal"] for r in sample], judge_llm, embeddings, GOAL_ASPECTS)
    agree_kind = [
        (v >= 0.5) == (r["kind"] == "outcome")
        for r, v in zip(sample, on_goals["is_outcome"], strict=True)
        if not math.isnan(v)
    ]
    agree_ctl = [
        (v >= 0.5) == r["team_controls"]
        for r, v in zip(sample, on_goals["team_can_influence"], strict=True)
        if not math.isnan(v)
    ]
    nan = sum(math.isnan(v) for vs in [*verdicts.values(), *on_goals.values()] for v in vs)
    return {
        "judged_rewrites": len(picked),
        "judged_goals": len(sample),
        "judge_nan": nan,
        "judge_agreement_kind": M.share(agree_kind),
        "judge_agreement_team_controls": M.share(agree_ctl),
    }


def eval_bulk() -> list[dict[str, Any]]:
    """Parse each sample roadmap and compare the items found with the expected count."""
    spec = yaml.safe_load((DATA / "roadmaps.yaml").read_text())
    out = []
    for entry in spec:
        parsed = parse_roadmap((DATA / "roadmaps" / entry["file"]).read_text(encoding="utf-8"))
        with_obj = sum(1 for i in parsed.items if i.objective)
        out.append(
            {
                "file": entry["file"],
                "format": parsed.format,
                "expected": entry["items"],
                "found": len(parsed.items),
                "expected_with_objective": entry.get("with_objective", 0),
                "found_with_objective": with_obj,
                "ok": len(parsed.items) == entry["items"] and with_obj == entry.get("with_objective", 0),
            }
        )
    return out


def summarise(records: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """All headline figures of a run, per system."""
    gold = [r["kind"] for r in records]
    gctl = [r["team_controls"] for r in records]
    gpx = [r["needs_proxy"] for r in records]
    systems = {
        "keyword": {"kind": [r["heuristic_kind"] for r in records]},
        "zero_shot": {
            "kind": [r.get("zs_kind") for r in records],
            "ctl": [r.get("zs_team_controls") for r in records],
            "px": [r.get("zs_needs_proxy") for r in records],
        },
        "chain_model_only": {
            "kind": [r.get("model_kind") for r in records],
            "ctl": [r.get("model_team_controls") for r in records],
            "px": [r.get("model_needs_proxy") for r in records],
        },
        "full_chain": {
            "kind": [r.get("chain_kind") for r in records],
            "ctl": [r.get("chain_team_controls") for r in records],
            "px": [r.get("chain_needs_proxy") for r in records],
        },
    }
    s: dict[str, Any] = {"n": len(records)}
    for name, preds in systems.items():
        if all(p is None for p in preds["kind"]):  # a system this run skipped
            s[name] = {"not_run": True, "confusion": M.confusion(gold, preds["kind"], KINDS)}
            continue
        d: dict[str, Any] = {
            "kind_accuracy": M.accuracy(gold, preds["kind"]),
            "kind_macro_f1": M.macro_f1(gold, preds["kind"], KINDS),
            "confusion": M.confusion(gold, preds["kind"], KINDS),
        }
        if "ctl" in preds:
            d["team_controls_accuracy"] = M.accuracy(gctl, preds["ctl"])
        if "px" in preds and any(p is not None for p in preds["px"]):
            p, rcl, _ = M.precision_recall(gpx, preds["px"])
            d["needs_proxy_precision"], d["needs_proxy_recall"] = p, rcl
        s[name] = d
    chain_rewrites = [r for r in records if r.get("chain_rewrite")]
    zs_rewrites = [r for r in records if r.get("zs_rewrite")]
    s["full_chain"].update(
        {
            "rewrites": len(chain_rewrites),
            "slots_complete_share": M.share([bool(r.get("chain_slots")) for r in chain_rewrites]),
            "invented_numbers": sum(int(r.get("chain_invented") or 0) for r in records),
            "roundtrip_outcome_share": M.share(
                [r.get("roundtrip_kind") == "outcome" for r in chain_rewrites if r.get("roundtrip_kind") is not None]
            ),
            "errors": sum(bool(r.get("chain_error")) for r in records),
            "seconds_median": statistics.median([r["chain_seconds"] for r in records]) if records else float("nan"),
            "seconds_p90": M.percentile([r["chain_seconds"] for r in records], 0.9),
            "tokens_per_goal": statistics.mean(
                [(r.get("chain_tokens_in") or 0) + (r.get("chain_tokens_out") or 0) for r in records]
            )
            if records
            else float("nan"),
            "output_tokens_per_goal": statistics.mean([r.get("chain_tokens_out") or 0 for r in records])
            if records
            else float("nan"),
        }
    )
    s["zero_shot"].update(
        {}
        if s["zero_shot"].get("not_run")
        else {
            "rewrites": len(zs_rewrites),
            "slots_complete_share": M.share([bool(r.get("zs_slots")) for r in zs_rewrites]),
            "invented_numbers": sum(int(r.get("zs_invented") or 0) for r in records),
            "errors": sum(bool(r.get("zs_error")) for r in records),
            "seconds_median": statistics.median([r.get("zs_seconds") or 0 for r in records])
            if records
            else float("nan"),
            "tokens_per_goal": statistics.mean(
                [(r.get("zs_tokens_in") or 0) + (r.get("zs_tokens_out") or 0) for r in records]
            )
            if records
            else float("nan"),
        }
    )
    for prefix, name in (("chain", "full_chain"), ("zs", "zero_shot")):
        for key in ("sim_reference", "str_reference", "sim_intent"):
            vals = [
                r[f"{prefix}_{key}"]
                for r in records
                if isinstance(r.get(f"{prefix}_{key}"), float) and not math.isnan(r[f"{prefix}_{key}"])
            ]
            if vals:
                s[name][key] = statistics.mean(vals)
    judged = {
        k: [r[k] for r in records if isinstance(r.get(k), float)]
        for k in {k for r in records for k in r if k.startswith("judge_")}
    }
    if judged:
        s["judge"] = {k: M.share([v >= 0.5 for v in vals if not math.isnan(v)]) for k, vals in judged.items()}
    domains = sorted({r["domain"] for r in records})
    s["per_domain_accuracy"] = {
        d: {
            sys_: M.accuracy(
                [r["kind"] for r in records if r["domain"] == d],
                [p for r, p in zip(records, systems[sys_]["kind"], strict=True) if r["domain"] == d],
            )
            for sys_ in ("keyword", "zero_shot", "full_chain")
        }
        for d in domains
    }
    s["slices"] = {
        name: {
            "n": len(part),
            "kind_accuracy": M.accuracy([r["kind"] for r in part], [r.get("chain_kind") for r in part]),
            "team_controls_accuracy": M.accuracy(
                [r["team_controls"] for r in part], [r.get("chain_team_controls") for r in part]
            ),
        }
        for name, part in (
            ("real", [r for r in records if "real" in str(r.get("tags", "")).split(";")]),
            ("tidy", [r for r in records if "real" not in str(r.get("tags", "")).split(";")]),
        )
        if part
    }
    s.update(extra or {})
    return s


def new_run_dir(root: Path = RUNS) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = root / stamp
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_results(run_dir: Path, records: list[dict[str, Any]], summary: dict[str, Any]) -> None:
    keys = list(dict.fromkeys(k for r in records for k in r))
    with open(run_dir / "results.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(records)
    (run_dir / "results.json").write_text(json.dumps(records, indent=1, default=str))
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str))


def load_before(path: Path | None) -> dict[str, dict[str, Any]]:
    """An earlier release's saved output (JSON Lines, one review per goal), keyed by goal text."""
    if not path or not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            out[rec["goal"]] = rec
    return out


def rewrite_quality(
    records: list[dict[str, Any]],
    rows: list[dict[str, Any]],
    catalogue: dict[str, Any],
    embeddings: Embeddings,
    before: Path | None = None,
) -> dict[str, Any]:
    """Grade what users see, for this chain and (when saved) the earlier release, on the same labels."""
    from . import quality as Q

    mapper = Q.CatalogueMapper(catalogue, embeddings)
    systems: dict[str, list[dict[str, Any] | None]] = {"this_chain": [Q.from_chain(r) for r in records]}
    earlier = load_before(before)
    if earlier:
        systems["first_release"] = [
            Q.from_first_release(earlier[r["goal"]])
            if r["goal"] in earlier and not earlier[r["goal"]].get("error")
            else None
            for r in rows
        ]
    graded = Q.grade_all(systems, rows, catalogue, mapper)
    graded["labelled"] = sum(bool(r.get("acceptable")) for r in rows)
    return graded
