"""Goals per minute through a served model at concurrency 1 and 4: llama-cpp-python's OpenAI-compatible server on
the embedded GGUF, started on a free loopback port, the chain talking to it as ``openai:<alias>``.

Same goals, same server, result cache off; the server's prompt cache is warmed by one goal first. On this
2-core machine expect little or no gain: llama-cpp-python's server evaluates one request at a time (a lock
around its single llama.cpp context), so concurrency only overlaps our retrieval and HTTP with the model's
work. A GPU server with continuous batching (vLLM) is where concurrency pays; see the estimate in
``benchmarks/results/server.md``.

Run: .venv/bin/python benchmarks/bench_server.py [--goals 12] [--concurrency 1 4]
Writes benchmarks/results/server.json and the ``server`` section of benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from results_io import free_port, save  # benchmarks/results_io.py

from assistant import serving
from assistant.api import build_chain
from assistant.models import ensure_local_gguf
from assistant.runner import Runner
from assistant.schemas import GoalItem
from assistant.settings import Settings
from evals.runner import load_dev


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--goals", type=int, default=12)
    p.add_argument("--concurrency", type=int, nargs="+", default=[1, 4])
    a = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="okr-bench-server-"))
    threads = os.cpu_count() or 2
    port = free_port()
    gguf = ensure_local_gguf(Settings().cache_dir)
    command = serving.model_server_command(gguf, "127.0.0.1", port, n_threads=threads)
    server = serving.start(command, f"http://127.0.0.1:{port}/v1/models", log=tmp / "server.log", timeout=300)
    try:
        os.environ["OPENAI_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
        os.environ.pop("OPENAI_API_KEY", None)
        settings = Settings(
            model=f"openai:{serving.MODEL_ALIAS}",
            chroma_dir=Path(os.environ.get("OKR_CHROMA_DIR") or tmp / "chroma"),  # reuse a built index if given
            team_examples_file=tmp / "team.yaml",
            result_cache_dir=tmp / "results",
            cache=False,
        )
        chain = build_chain(settings.model, settings)
        dev = [r["goal"] for r in load_dev()]
        chain.review(dev[0])  # warm-up: settles the structured-output method and the server's prompt prefix
        goals = [GoalItem(text=g) for g in dev[1 : 1 + a.goals]]
        runs = []
        for n in a.concurrency:
            runner = Runner.for_settings(chain, settings, concurrency=n, cache=False)
            start = time.perf_counter()
            rows = runner.rows(goals)
            seconds = time.perf_counter() - start
            errors = sum(bool(r.error) for r in rows)
            runs.append(
                {
                    "concurrency": n,
                    "goals": len(rows),
                    "errors": errors,
                    "seconds": round(seconds, 1),
                    "goals_per_minute": round(60 * len(rows) / seconds, 2),
                }
            )
            print(f"concurrency {n}: {len(rows)} goals in {seconds:.1f}s = {60 * len(rows) / seconds:.2f} goals/min")
        base = runs[0]["goals_per_minute"]
        result = {
            "measured": datetime.now(UTC).isoformat(timespec="seconds"),
            "server": "llama-cpp-python 0.3.36 server (OpenAI-compatible), embedded GGUF, one llama.cpp context",
            "model": settings.model,
            "threads": threads,
            "cores": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "structured_output": getattr(chain.model, "_detected", None),
            "runs": runs,
            "speedup": {str(r["concurrency"]): round(r["goals_per_minute"] / base, 2) for r in runs},
        }
        save("server", result)
    finally:
        serving.stop(server)


if __name__ == "__main__":
    main()
