"""The result cache on the embedded model, measured in one run with ``okr roadmap`` as a user runs it:

1. a 50-goal roadmap, empty cache (every goal goes to the model);
2. the same roadmap with one line changed (49 answered from the cache, 1 reviewed);
3. the same roadmap again unchanged (all 50 from the cache: what a re-run costs apart from the model).

Each step is a fresh ``okr roadmap`` process, so the times include starting Python, loading the model file and
opening the index. The target: step 2 takes at most the time of one goal plus a few seconds.

Run: .venv/bin/python benchmarks/bench_cache.py [--goals 50]
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

from results_io import save

from evals.runner import load_dev

REPO = Path(__file__).resolve().parent.parent


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


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--goals", type=int, default=50)
    a = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="okr-bench-cache-"))
    env = {
        **os.environ,
        "OKR_MODEL": "local",
        "OKR_CHROMA_DIR": str(tmp / "chroma"),
        "OKR_TEAM_EXAMPLES_FILE": str(tmp / "team.yaml"),
        "OKR_RESULT_CACHE_DIR": str(tmp / "results"),
        "OKR_CACHE": "1",
        "PYTHONPATH": str(REPO),
    }
    goals = list(dict.fromkeys(r["goal"] for r in load_dev()))[: a.goals]
    roadmap = tmp / "roadmap.txt"

    # warm the index outside the timings (a user's index is built once, by `okr index` or the first run)
    subprocess.run([sys.executable, "-m", "assistant.cli", "index"], env=env, cwd=REPO, check=True, capture_output=True)

    roadmap.write_text("\n".join(goals) + "\n")
    full, intervals = okr_roadmap(roadmap, tmp / "full.json", env)
    per_goal = statistics.median(intervals)
    print(f"full run, empty cache: {len(goals)} goals in {full:.1f}s (median {per_goal:.2f}s per goal)")

    changed = list(goals)
    middle = len(changed) // 2
    changed[middle] = changed[middle] + " for enterprise customers"
    roadmap.write_text("\n".join(changed) + "\n")
    one_changed, _ = okr_roadmap(roadmap, tmp / "changed.json", env)
    print(f"re-run with one line changed: {one_changed:.1f}s")

    all_cached, _ = okr_roadmap(roadmap, tmp / "cached.json", env)
    print(f"re-run unchanged (all cached): {all_cached:.1f}s")

    full_rows = json.loads((tmp / "full.json").read_text())
    changed_rows = json.loads((tmp / "changed.json").read_text())
    same = sum(a == b for i, (a, b) in enumerate(zip(full_rows, changed_rows, strict=True)) if i != middle)
    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": "local: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (llama.cpp, embedded)",
        "how": "three fresh `okr roadmap` processes on one result cache; index built beforehand",
        "goals": len(goals),
        "full_run_seconds": round(full, 1),
        "median_seconds_per_goal_full_run": round(per_goal, 2),
        "p90_seconds_per_goal_full_run": round(sorted(intervals)[int(0.9 * (len(intervals) - 1))], 2),
        "one_line_changed_seconds": round(one_changed, 1),
        "all_cached_seconds": round(all_cached, 1),
        "one_changed_minus_all_cached": round(one_changed - all_cached, 1),
        "unchanged_rows_identical": f"{same}/{len(goals) - 1}",
        "target": "one_line_changed_seconds <= one goal + a few seconds",
        "met": one_changed <= per_goal + 10,
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    save("cache", result)
    for k, v in result.items():
        print(f"{k:34s} {v}")


if __name__ == "__main__":
    main()
