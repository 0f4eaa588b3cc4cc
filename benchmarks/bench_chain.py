"""Speed of the chain on the embedded model, as ratios and figures measured in one run.

- index build: a fresh Chroma folder, real MiniLM embeddings
- seconds per goal: median and p90 over --goals dev goals
- a 50-goal roadmap: goals per minute through ``review_rows``
- overhead ratio: chain time / time llama.cpp alone takes for the same prompts and the same tokens
  (same messages, same grammar, temperature 0; both sequences start from the same cache state)

Run: .venv/bin/python benchmarks/bench_chain.py [--goals 24] [--roadmap 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from assistant.api import build_index_for
from assistant.chain import ReviewChain
from assistant.models import describe_model, get_chat_model
from assistant.retrieval import get_embeddings
from assistant.schemas import GoalItem
from assistant.settings import Settings
from evals.metrics import percentile
from evals.runner import load_dev

HERE = Path(__file__).parent


def bare_llama_seconds(chain: ReviewChain, goals: list[str]) -> tuple[float, list[int]]:
    """llama.cpp alone: the chain's exact messages and grammar, no retrieval/parsing/post-processing."""
    llama = chain.model.llama  # type: ignore[attr-defined]
    prepared = []
    for g in goals:  # build prompts outside the timed region
        state = chain._retrieve(chain._prepare(g))
        msgs = [
            {"role": {"human": "user", "ai": "assistant"}.get(m.type, m.type), "content": str(m.content)}
            for m in chain.messages_for(state)
        ]
        fmt = {"type": "json_object", "schema": chain.answer_schema(state["candidates"]).model_json_schema()}
        prepared.append((msgs, fmt))
    total, tokens = 0.0, []
    for msgs, fmt in prepared:
        start = time.perf_counter()
        out = llama.create_chat_completion(
            messages=msgs, response_format=fmt, temperature=0.0, max_tokens=chain.settings.max_tokens, seed=0
        )
        total += time.perf_counter() - start
        tokens.append(out["usage"]["completion_tokens"])
    return total, tokens


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--goals", type=int, default=24)
    p.add_argument("--roadmap", type=int, default=50)
    a = p.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="okr-bench-"))
    settings = Settings(chroma_dir=tmp / "chroma", team_examples_file=tmp / "team.yaml")
    get_embeddings(settings)  # load the embedding model outside the index timing
    start = time.perf_counter()
    index = build_index_for(settings)
    index_seconds = time.perf_counter() - start
    model = get_chat_model("local", settings)
    chain = ReviewChain(model, index, settings, model_label=describe_model("local"))
    dev = [r["goal"] for r in load_dev()]
    chain.review(dev[0])  # warm-up: loads the model and caches the fixed prompt prefix

    goals = dev[1 : 1 + a.goals]
    per_goal, chain_tokens = [], []
    for g in goals:
        t = time.perf_counter()
        r = chain.review(g)
        per_goal.append(time.perf_counter() - t)
        chain_tokens.append(r.usage["output_tokens"])
    bare_total, bare_tokens = bare_llama_seconds(chain, goals)

    roadmap = [GoalItem(text=g) for g in (dev * 2)[: a.roadmap]]
    t = time.perf_counter()
    rows = chain.review_rows(roadmap)
    roadmap_seconds = time.perf_counter() - t

    result = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": describe_model("local"),
        "threads": settings.n_threads,
        "index_build_seconds": round(index_seconds, 2),
        "goals": len(goals),
        "median_seconds_per_goal": round(statistics.median(per_goal), 2),
        "p90_seconds_per_goal": round(percentile(per_goal, 0.9), 2),
        "roadmap_goals": len(rows),
        "roadmap_seconds": round(roadmap_seconds, 1),
        "roadmap_goals_per_minute": round(60 * len(rows) / roadmap_seconds, 2),
        "chain_seconds_same_goals": round(sum(per_goal), 2),
        "llama_alone_seconds_same_prompts": round(bare_total, 2),
        "overhead_ratio": round(sum(per_goal) / bare_total, 3),
        "same_tokens_generated": chain_tokens == bare_tokens,
        "output_tokens_per_goal": round(statistics.mean(chain_tokens), 1),
        "settings": {"examples_k": settings.examples_k, "candidates_k": settings.candidates_k},
        "metric_choice": settings.metric_choice,
        "targets": {"median_seconds_per_goal": 3, "roadmap_50_minutes": 2.5, "overhead_ratio": 1.3},
    }
    (HERE / "results").mkdir(exist_ok=True)
    latest = HERE / "results" / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data.update(result)  # this benchmark's keys at the top level; the other benchmarks' sections stay
    latest.write_text(json.dumps(data, indent=2) + "\n")
    for k, v in result.items():
        print(f"{k:36s} {v}")


if __name__ == "__main__":
    main()
