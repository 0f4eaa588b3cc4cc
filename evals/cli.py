"""``okr eval`` / ``python -m evals``: run the suite, compare two runs, replay the scripted conversations, or grade
the catalogue ranking alone (``okr eval retrieval``, no model), or prepare and tally a coach's blind review
(``okr eval expert``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from assistant.settings import Settings, disable_telemetry

disable_telemetry()


BEFORE = Path(__file__).parent / "reports" / "baseline" / "first_release.jsonl"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["compare"]:
        p = argparse.ArgumentParser(prog="okr eval compare")
        p.add_argument("run_a", type=Path)
        p.add_argument("run_b", type=Path)
        a = p.parse_args(argv[1:])
        from .report import compare

        sys.stdout.write(compare(a.run_a, a.run_b))
        return 0
    if argv[:1] == ["conversations"]:
        from .conversations import main as conversations_main

        return conversations_main(argv[1:])
    if argv[:1] == ["sets"]:
        from .sets import main as sets_main

        return sets_main(argv[1:])
    if argv[:1] == ["expert"]:
        from .expert import main as expert_main

        return expert_main(argv[1:])
    if argv[:1] == ["retrieval"]:
        from .retrieval_eval import main as retrieval_main

        return retrieval_main(argv[1:])
    if argv[:1] == ["run"]:
        argv = argv[1:]
    p = argparse.ArgumentParser(prog="okr eval", description="Grade the chain against its baselines.")
    p.add_argument("--model", default=None, help="model under test (default OKR_MODEL or local)")
    p.add_argument("--limit", type=int, default=None, help="evaluate N goals spread across the dev set")
    p.add_argument("--judge", default=None, help="judge model for the AspectCritic rubric (e.g. local)")
    p.add_argument("--judge-limit", type=int, default=12, help="how many rewrites/goals the judge grades")
    p.add_argument("--no-roundtrip", action="store_true", help="skip re-classifying the rewrites")
    p.add_argument("--no-semantic", action="store_true", help="skip the ragas similarity metrics")
    p.add_argument("--no-zero-shot", action="store_true", help="skip the zero-shot baseline (saves a third)")
    p.add_argument(
        "--robustness",
        action="store_true",
        help="also refuse-nothing and injection checks on the real chain (evals/data/robustness)",
    )
    p.add_argument("--only-tag", default=None, help="evaluate only dev goals with this tag (e.g. real)")
    p.add_argument(
        "--before",
        type=Path,
        default=BEFORE,
        help="saved output of an earlier release, graded beside this run (default: the first release)",
    )
    p.add_argument("--out", type=Path, default=None, help="runs folder (default evals/runs)")
    p.add_argument(
        "--publish",
        action="store_true",
        help="also copy the report, summary, results and charts to evals/reports/latest (committed)",
    )
    a = p.parse_args(argv)
    return run(a)


def robustness_run(chain: object) -> dict:
    """The robustness section: ordinary goals with trigger words, and attacked goals, on this chain."""
    from assistant.schemas import GoalItem
    from assistant.textutils import prepare_goal

    from . import robustness

    def review_fn(text: str) -> dict:
        r = chain.review(GoalItem(text=text))  # type: ignore[attr-defined]
        return {"kind": r.kind, "team_controls": r.team_controls, "needs_proxy": r.needs_proxy, "metric": r.metric}

    return robustness.run(review_fn, lambda text: prepare_goal(text, 1000))


def publish(run_dir: Path) -> Path:
    """Copy a finished run to evals/reports/latest, the report that is committed."""
    import shutil

    target = Path(__file__).parent / "reports" / "latest"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(run_dir, target)
    return target


def run(a: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.api import build_chain
    from assistant.models import describe_model, get_chat_model
    from assistant.retrieval import get_embeddings

    from . import report
    from .runner import (
        RUNS,
        RunConfig,
        add_judge,
        add_semantic,
        eval_bulk,
        load_dev,
        new_run_dir,
        rewrite_quality,
        run_rows,
        summarise,
        write_results,
    )

    settings = Settings(**({"model": a.model} if a.model else {}))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    chain = build_chain(settings.model, settings)
    model = chain.model
    rows = load_dev(limit=a.limit, only_tag=a.only_tag)
    run_dir = new_run_dir(a.out or RUNS)
    config = RunConfig(
        model_label=describe_model(settings.model),
        limit=a.limit,
        roundtrip=not a.no_roundtrip,
        judge_label=a.judge,
        judge_limit=a.judge_limit if a.judge else 0,
        zero_shot=not a.no_zero_shot,
    )
    with tqdm(total=3 * len(rows), desc="Evaluating (zero-shot, chain, round trip)", file=sys.stderr) as bar:
        records = run_rows(
            chain, model, rows, config, progress=lambda n, t: bar.update(1), sink=run_dir / "partial.jsonl"
        )
    embeddings = get_embeddings(settings)
    if not a.no_semantic:
        add_semantic(records, rows, model, embeddings)
    extra: dict = {"bulk": eval_bulk()}
    extra["quality"] = rewrite_quality(records, rows, chain.knowledge.catalogue, embeddings, a.before)
    if a.robustness:
        extra["robustness"] = robustness_run(chain)
    if a.judge:
        judge_model = model if a.judge == settings.model else get_chat_model(a.judge, settings)
        extra.update(add_judge(records, judge_model, embeddings, a.judge_limit))
    summary = summarise(records, extra)
    write_results(run_dir, records, summary)
    files = report.charts(run_dir, summary, records)
    cfg = {
        "model": config.model_label,
        "judge": a.judge,
        "started": started,
        "limit": a.limit,
        "only_tag": a.only_tag,
        "before": str(a.before) if a.before and a.before.exists() else None,
    }
    (run_dir / "report.md").write_text(report.markdown(summary, cfg, files), encoding="utf-8")
    (run_dir / "partial.jsonl").unlink(missing_ok=True)
    print(f"report: {run_dir / 'report.md'}")
    if a.publish:
        print(f"published: {publish(run_dir)}")
    fc = summary["full_chain"]
    print(
        f"full chain: kind accuracy {fc['kind_accuracy']:.3f}, invented numbers {fc['invented_numbers']}, "
        f"median {fc['seconds_median']:.1f}s/goal"
    )
    return 0
