"""Where the time of one review goes on the embedded model, per stage and per prompt token.

For each goal: seconds in input checks, retrieval, the model and composition; the prompt's tokens, how many of
them llama.cpp reused from its cache (the common prefix with the previous call) and how many it had to process;
the answer's tokens. Several prompt variants can be measured in one run (``--variant``), each on the same goals
in the same process, so their ratios are comparable.

Run: .venv/bin/python benchmarks/bench_breakdown.py [--goals 30] [--variant review:4:8 --variant review:1:5]
(a variant is PROMPT:EXAMPLES_K:CANDIDATES_K[:METRIC_CHOICE]; PROMPT names a file under assistant/prompts;
METRIC_CHOICE is ranking or model, default the settings'). Each variant's
answers are compared with the first variant's. Run it with PYTHONPATH=. so this checkout's code is measured.
Writes benchmarks/results/breakdown.json and prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from results_io import save  # benchmarks/results_io.py

from assistant.api import build_chain
from assistant.chain import ReviewChain
from assistant.models import get_chat_model
from assistant.prompts import load_prompt
from assistant.schemas import GoalItem
from assistant.settings import Settings
from evals.runner import load_dev

HERE = Path(__file__).parent
TOKEN_KEYS = ("prompt_tokens", "cached_tokens", "new_tokens", "output_tokens")


class TokenMeter:
    """Wraps llama.cpp's chat call: prompt tokens, tokens reused from the previous call's state, answer tokens."""

    def __init__(self, llama: Any) -> None:
        self.llama = llama
        self.calls: list[dict[str, float]] = []
        self._inner = llama.create_chat_completion
        llama.create_chat_completion = self._call

    def _call(self, **kwargs: Any) -> Any:
        before = list(self.llama._input_ids)  # what the context holds from the last call
        start = time.perf_counter()
        out = self._inner(**kwargs)
        seconds = time.perf_counter() - start
        prompt_n = out["usage"]["prompt_tokens"]
        prompt = list(self.llama._input_ids[:prompt_n])
        reused = 0
        for a, b in zip(before, prompt, strict=False):
            if a != b:
                break
            reused += 1
        self.calls.append(
            {
                "prompt_tokens": prompt_n,
                "cached_tokens": reused,
                "new_tokens": prompt_n - reused,
                "output_tokens": out["usage"]["completion_tokens"],
                "model_seconds": seconds,
            }
        )
        return out

    def restore(self) -> None:
        self.llama.create_chat_completion = self._inner


def measure(chain: ReviewChain, goals: list[GoalItem], meter: TokenMeter) -> list[dict[str, Any]]:
    """Each goal through the chain's stages, timed one by one (the same calls ``ReviewChain.review`` makes)."""
    rows = []
    for item in goals:
        meter.calls.clear()
        t0 = time.perf_counter()
        state = chain._prepare(item)
        t1 = time.perf_counter()
        state = chain._retrieve(state)
        t2 = time.perf_counter()
        state = chain._judge(state)
        t3 = time.perf_counter()
        answer = state["judgement"].model_dump_json(include={"kind", "team_controls"})
        chain._finish(state)
        t4 = time.perf_counter()
        calls = meter.calls
        rows.append(
            {
                "prepare": t1 - t0,
                "retrieve": t2 - t1,
                "model": t3 - t2,
                "compose": t4 - t3,
                "total": t4 - t0,
                "calls": len(calls),
                "answer": answer,
                **{
                    k: sum(c[k] for c in calls)
                    for k in ("prompt_tokens", "cached_tokens", "new_tokens", "output_tokens")
                },
            }
        )
    return rows


def summarise(rows: list[dict[str, Any]]) -> dict[str, float]:
    keys = ["total", "prepare", "retrieve", "model", "compose", "prompt_tokens", "cached_tokens", "new_tokens"]
    out = {f"median_{k}": round(statistics.median(r[k] for r in rows), 3) for k in [*keys, "output_tokens"]}
    model = sum(r["model"] for r in rows)
    new = sum(r["new_tokens"] for r in rows)
    generated = sum(r["output_tokens"] for r in rows)
    out["mean_total"] = round(statistics.mean(r["total"] for r in rows), 3)
    out["retries"] = sum(r["calls"] - 1 for r in rows)
    out["model_share_of_total"] = round(model / sum(r["total"] for r in rows), 3)
    out["tokens_processed_per_goal"] = round(new / len(rows), 1)
    out["tokens_generated_per_goal"] = round(generated / len(rows), 1)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--goals", type=int, default=30)
    p.add_argument("--variant", action="append", help="PROMPT:EXAMPLES_K:CANDIDATES_K (default: the settings')")
    a = p.parse_args()
    base = Settings()
    variants = a.variant or [f"review:{base.examples_k}:{base.candidates_k}"]
    dev = load_dev()
    # evenly spread over the file, so tidy and real-style goals are both in the sample
    sample = dev[:: max(1, len(dev) // a.goals)][: a.goals]
    goals = [GoalItem(text=str(r["goal"]), objective=r.get("objective") or None) for r in sample]
    chain = build_chain("local", base)
    report: dict[str, Any] = {
        "measured": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": chain.model_label,
        "goals": len(goals),
        "variants": {},
    }
    first: list[str] | None = None
    for variant in variants:
        name, examples_k, candidates_k, choice = [*variant.split(":"), base.metric_choice][:4]
        settings = base.model_copy(
            update={"examples_k": int(examples_k), "candidates_k": int(candidates_k), "metric_choice": choice}
        )
        chain.prompt = load_prompt(name)
        chain.settings = settings
        chain.model = get_chat_model("local", settings)
        chain.review(goals[-1])  # load the model and put this variant's fixed prefix into the cache
        meter = TokenMeter(chain.model.llama)  # type: ignore[attr-defined]
        rows = measure(chain, goals, meter)
        meter.restore()
        answers = [r.pop("answer") for r in rows]
        first = first or answers
        summary = summarise(rows)
        summary["same_answers_as_first_variant"] = sum(a == b for a, b in zip(first, answers, strict=True))
        report["variants"][variant] = summary
    head = ["median s", "model s", "retrieve", "prompt", "cached", "new", "out", "same"]
    print(f"{'variant':34} " + " ".join(f"{h:>8}" for h in head))
    for name, s in report["variants"].items():
        print(
            f"{name:34} {s['median_total']:8.2f} {s['median_model']:8.2f} {s['median_retrieve']:8.3f} "
            f"{s['median_prompt_tokens']:8.0f} {s['median_cached_tokens']:8.0f} {s['median_new_tokens']:8.0f} "
            f"{s['median_output_tokens']:8.0f} {s['same_answers_as_first_variant']:8d}"
        )
    print(f"wrote {save('breakdown', report)}")


if __name__ == "__main__":
    main()
