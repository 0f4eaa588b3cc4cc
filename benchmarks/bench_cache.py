"""The result cache on the embedded model, measured in one run with ``okr roadmap`` as a user runs it:

1. a 50-goal roadmap, empty cache (every goal goes to the model);
2. the same roadmap with one line changed (49 answered from the cache, 1 reviewed);
3. the same roadmap again unchanged (all 50 from the cache: what a re-run costs apart from the model);
4. one new goal with ``okr review --no-cache``: "the time of one goal" as a user meets it (a fresh process, the
   model's prompt cache cold), which is what the changed line in step 2 costs too.

Each step is a fresh ``okr roadmap`` process, so the times include starting Python, loading the model file and
opening the index. The target: step 2 takes at most the time of one goal plus a few seconds.

Run: .venv/bin/python benchmarks/bench_cache.py [--goals 50]
     .venv/bin/python benchmarks/bench_cache.py --reuse /tmp/okr-bench-cache-XXXX   # steps 2-4 again on a filled
     cache (written as ``rerun`` beside the figures of the full run)
Writes benchmarks/results/cache.json and the ``cache`` section of benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from results_io import RESULTS, save

from evals.runner import load_dev

REPO = Path(__file__).resolve().parent.parent


def bench_env(tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "OKR_MODEL": "local",
        "OKR_CHROMA_DIR": str(tmp / "chroma"),
        "OKR_TEAM_EXAMPLES_FILE": str(tmp / "team.yaml"),
        "OKR_RESULT_CACHE_DIR": str(tmp / "results"),
        "OKR_CACHE": "1",
        "PYTHONPATH": str(REPO),
    }


def okr_roadmap(roadmap: Path, out: Path, env: dict[str, str]) -> tuple[float, list[float]]:
    """Wall seconds of one ``okr roadmap`` process, and the seconds between its finished rows.

    The rows' times are read from ``OUT.partial.jsonl`` as it grows, so a median per goal is available that a
    pause of the whole machine (other jobs, a stopped process) does not distort.
    """
    journal = out.with_name(out.name + ".partial.jsonl")
    log = out.with_suffix(".log")
    start = time.perf_counter()
    with open(log, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant.cli", "roadmap", str(roadmap), "--out", str(out)],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    seen, stamps = 0, []
    while proc.poll() is None:
        lines = journal.read_bytes().count(b"\n") if journal.exists() else seen
        stamps.extend([time.perf_counter()] * (lines - seen))
        seen = max(seen, lines)
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"okr roadmap failed:\n{log.read_text()[-3000:]}")
    return seconds, [b - a for a, b in zip(stamps, stamps[1:], strict=False)]


def one_goal(goal: str, env: dict[str, str]) -> float:
    """Wall seconds of ``okr review GOAL --no-cache`` in a fresh process."""
    start = time.perf_counter()
    command = [sys.executable, "-m", "assistant.cli", "review", goal, "--no-cache"]
    subprocess.run(command, env=env, cwd=REPO, capture_output=True, check=True)
    return time.perf_counter() - start


def reruns(goals: list[str], roadmap: Path, tmp: Path, env: dict[str, str], tag: str) -> dict[str, object]:
    """Steps 2-4 on a cache that holds ``goals``: one line changed, nothing changed, one goal alone."""
    changed = list(goals)
    middle = len(changed) // 2
    changed[middle] = changed[middle] + f" for {tag} customers"
    roadmap.write_text("\n".join(changed) + "\n")
    one_changed, _ = okr_roadmap(roadmap, tmp / f"changed-{tag}.json", env)
    print(f"re-run with one line changed: {one_changed:.1f}s")
    all_cached, _ = okr_roadmap(roadmap, tmp / f"cached-{tag}.json", env)
    print(f"re-run unchanged (all cached): {all_cached:.1f}s")
    single = one_goal(goals[middle] + f" for {tag} partners", env)
    print(f"one new goal, okr review --no-cache: {single:.1f}s")
    return {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "one_line_changed_seconds": round(one_changed, 1),
        "all_cached_seconds": round(all_cached, 1),
        "one_goal_okr_review_seconds": round(single, 1),
        "met": one_changed <= single + 10,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--goals", type=int, default=50)
    p.add_argument("--reuse", type=Path, help="a folder of an earlier run: repeat steps 2-4 on its filled cache")
    a = p.parse_args()

    if a.reuse:
        env = bench_env(a.reuse)
        goals = list(dict.fromkeys(r["goal"] for r in load_dev()))[: a.goals]
        figures = reruns(goals, a.reuse / "roadmap.txt", a.reuse, env, tag="reuse")
        result = json.loads((RESULTS / "cache.json").read_text())
        result["rerun"] = figures
        save("cache", result)
        print(json.dumps(figures, indent=2))
        return

    tmp = Path(tempfile.mkdtemp(prefix="okr-bench-cache-"))
    env = bench_env(tmp)
    goals = list(dict.fromkeys(r["goal"] for r in load_dev()))[: a.goals]
    roadmap = tmp / "roadmap.txt"

    # warm the index outside the timings (a user's index is built once, by `okr index` or the first run)
    subprocess.run([sys.executable, "-m", "assistant.cli", "index"], env=env, cwd=REPO, check=True, capture_output=True)

    roadmap.write_text("\n".join(goals) + "\n")
    full, intervals = okr_roadmap(roadmap, tmp / "full.json", env)
    per_goal = statistics.median(intervals)
    print(f"full run, empty cache: {len(goals)} goals in {full:.1f}s (median {per_goal:.2f}s per goal)")

    figures = reruns(goals, roadmap, tmp, env, tag="enterprise")
    middle = len(goals) // 2
    full_rows = json.loads((tmp / "full.json").read_text())
    changed_rows = json.loads((tmp / "changed-enterprise.json").read_text())
    same = sum(a == b for i, (a, b) in enumerate(zip(full_rows, changed_rows, strict=True)) if i != middle)
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "local: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (llama.cpp, embedded)",
        "how": "fresh `okr roadmap` / `okr review` processes on one result cache; index built beforehand",
        "goals": len(goals),
        "full_run_seconds": round(full, 1),
        "median_seconds_per_goal_full_run": round(per_goal, 2),
        "p90_seconds_per_goal_full_run": round(sorted(intervals)[int(0.9 * (len(intervals) - 1))], 2),
        **{k: v for k, v in figures.items() if k not in ("measured", "load_average")},
        "unchanged_rows_identical": f"{same}/{len(goals) - 1}",
        "target": "one_line_changed_seconds <= one_goal_okr_review_seconds + 10",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    save("cache", result)
    for k, v in result.items():
        print(f"{k:34s} {v}")


if __name__ == "__main__":
    main()
