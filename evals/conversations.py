"""The conversation eval: scripted chats replayed through the app's chat handler, state graded after every turn.

``evals/data/conversations.yaml`` holds the scripts: each user turn with the state expected after it (which
operation, which key results changed, which slots hold which user numbers, proxy / reframe / metric checked
against the catalogue). Every turn is also held to three rules that need no script: no placeholder the product
does not define, no number the user did not give, and no new review started by a follow-up.

    okr eval conversations --model local          # writes evals/runs/conversations-<time>/ (report.md, results.json)

The arithmetic (``grade_turn``, ``summarise``) is apart from the model calls, so it is unit-tested without one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from assistant import coach
from assistant.handlers import AppService, chat_respond
from assistant.schemas import MetricEntry, Review
from assistant.settings import Settings, disable_telemetry
from assistant.textutils import invented_numbers

disable_telemetry()

DATA = Path(__file__).parent / "data" / "conversations.yaml"
RUNS = Path(__file__).parent / "runs"
REPORTS = Path(__file__).parent / "reports" / "conversations"
EXPECT_KEYS = {"op", "reviews", "changed", "untouched", "slots", "proxy", "reframe", "metric", "asks", "focus"}


# ------------------------------------------------------------------------------------------------ data


@dataclass
class Script:
    id: str
    turns: list[dict[str, Any]]
    tags: list[str] = field(default_factory=list)


def load_scripts(path: Path = DATA) -> list[Script]:
    """The scripted conversations; an unknown expectation key fails loudly with the conversation's id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts = []
    for item in data["conversations"]:
        for n, turn in enumerate(item["turns"], 1):
            unknown = set(turn.get("expect", {})) - EXPECT_KEYS
            if unknown or "say" not in turn:
                raise ValueError(f"{path.name}: {item['id']} turn {n}: unknown keys {sorted(unknown)} or no 'say'")
        scripts.append(Script(id=item["id"], turns=item["turns"], tags=item.get("tags", [])))
    ids = [s.id for s in scripts]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path.name}: duplicate conversation ids")
    return scripts


# ----------------------------------------------------------------------------------------------- state


def state_of(conv: coach.Conversation) -> dict[str, dict[str, Any]]:
    """Per key-result label: the parts of a review a conversation can change."""
    out = {}
    for i, r in enumerate(conv.reviews):
        out[conv.label(i)] = {
            "review": r.model_dump(mode="json"),
            "slots": coach.slot_values(r),
            "metric_id": r.metric_id,
            "main_metric_id": r.rewrites[0].metric_id if r.rewrites else r.metric_id,
            "proxy_id": r.proxy_id,
            "reframe": r.reframe,
            "team_controls": r.team_controls,
            "candidates": list(r.candidates),
            "rewrites": [rw.text for rw in r.rewrites],
            "basis": r.rewrites[0].basis if r.rewrites else None,
        }
    return out


@dataclass
class Observed:
    """What one turn did, as the eval sees it."""

    op: str
    reviews: int
    changed: list[str]
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    reply: str
    reviews_made: int
    focus: str | None
    allowed_text: str
    seconds: float = 0.0


# ---------------------------------------------------------------------------------------------- grading


def _leads(entry: MetricEntry | None, catalogue: dict[str, MetricEntry]) -> list[MetricEntry]:
    return coach.leading_for(entry, catalogue) if entry else []


def _owned_options(entry: MetricEntry | None, catalogue: dict[str, MetricEntry]) -> list[str]:
    if entry is None:
        return []
    if entry.scope == "external" and entry.owned_slice:
        return [catalogue[entry.owned_slice].name]
    return [e.name for e in _leads(entry, catalogue) if e.scope == "team"]


def check_proxy(label: str, o: Observed, catalogue: dict[str, MetricEntry]) -> str | None:
    """A proxy is one of the metric's leading metrics and never slower; with none in the catalogue, a question."""
    before, after = o.before.get(label), o.after.get(label)
    if not before or not after:
        return f"{label}: missing"
    entry = catalogue.get(after["main_metric_id"] or "")
    leads = _leads(entry, catalogue)
    if not leads:
        return None if after == before and "?" in o.reply else f"{label}: no leading metric, expected a question"
    if after["proxy_id"] not in {e.id for e in leads}:
        return f"{label}: proxy {after['proxy_id']} is not a leading metric of {entry.id if entry else None}"
    return None


def check_reframe(label: str, o: Observed, catalogue: dict[str, MetricEntry]) -> str | None:
    """Reframed to the catalogue's owned slice (or a faster team metric that leads it); else a question."""
    before, after = o.before.get(label), o.after.get(label)
    if not before or not after:
        return f"{label}: missing"
    if before["basis"] == "reframe" and not before["team_controls"]:  # already reframed: explain, ask, keep
        return None if after == before and "?" in o.reply else f"{label}: was reframed already, expected a question"
    entry = catalogue.get(before["main_metric_id"] or "")
    options = _owned_options(entry, catalogue)
    if not options:
        return None if after == before and "?" in o.reply else f"{label}: nothing to reframe to, expected a question"
    if after["team_controls"] or after["reframe"] not in options or after["basis"] != "reframe":
        return f"{label}: reframe {after['reframe']!r} not in {options}"
    return None


def check_metric(label: str, o: Observed, catalogue: dict[str, MetricEntry]) -> str | None:
    """Another metric: a different one, from the review's own candidates; with none left, a question."""
    before, after = o.before.get(label), o.after.get(label)
    if not before or not after:
        return f"{label}: missing"
    if after["metric_id"] == before["metric_id"]:
        return None if after == before and "?" in o.reply else f"{label}: metric unchanged and no question"
    if after["metric_id"] not in before["candidates"]:
        return f"{label}: {after['metric_id']} is not one of the review's candidates"
    return None


def grade_turn(expect: dict[str, Any], o: Observed, catalogue: dict[str, MetricEntry]) -> list[str]:
    """Every way the observed state differs from the expected one (empty: the turn is exactly right)."""
    problems: list[str] = []
    op = expect.get("op")
    if op and o.op != op:
        problems.append(f"op {o.op} != {op}")
    if "reviews" in expect and o.reviews != expect["reviews"]:
        problems.append(f"reviews {o.reviews} != {expect['reviews']}")
    if "changed" in expect and sorted(o.changed) != sorted(expect["changed"]):
        problems.append(f"changed {sorted(o.changed)} != {sorted(expect['changed'])}")
    for label in expect.get("untouched", []):
        if label in o.changed:
            problems.append(f"{label} changed but should be untouched")
    for label, slots in (expect.get("slots") or {}).items():
        got = (o.after.get(label) or {}).get("slots")
        want = {k: (None if slots.get(k) is None else str(slots.get(k))) for k in coach.SLOTS}
        if got != want:
            problems.append(f"{label} slots {got} != {want}")
    checks: dict[str, Callable[[str, Observed, dict[str, MetricEntry]], str | None]] = {
        "proxy": check_proxy,
        "reframe": check_reframe,
        "metric": check_metric,
    }
    for key, check in checks.items():
        for label in expect.get(key, []):
            problem = check(label, o, catalogue)
            if problem:
                problems.append(f"{key}: {problem}")
    if "asks" in expect and ("?" in o.reply) != bool(expect["asks"]):
        problems.append(f"asks {'?' in o.reply} != {expect['asks']}")
    if "focus" in expect and o.focus != expect["focus"]:
        problems.append(f"focus {o.focus} != {expect['focus']}")
    # Rules every turn obeys, scripted or not.
    texts = [o.reply, *[t for s in o.after.values() for t in s["rewrites"]]]
    undefined = sorted({p for t in texts for p in coach.undefined_placeholders(t)})
    if undefined:
        problems.append(f"undefined placeholders {undefined}")
    if o.op != "new_goal":
        if o.reviews_made:
            problems.append(f"a follow-up started {o.reviews_made} new review(s)")
        invented = invented_numbers(o.reply, o.allowed_text)
        if invented:
            problems.append(f"numbers the user did not give: {invented}")
    return problems


# ----------------------------------------------------------------------------------------------- running


class CountingChain:
    """Counts the reviews the chain makes, so a follow-up that starts a new review is caught."""

    def __init__(self, service: AppService) -> None:
        self.chain = service.chain
        self.count = 0
        original = self.chain.review

        def review(*args: Any, **kwargs: Any) -> Review:
            self.count += 1
            return original(*args, **kwargs)

        self.chain.review = review  # type: ignore[method-assign]


def _changed(before: dict[str, Any], after: dict[str, Any], fresh: bool) -> list[str]:
    if fresh:
        return sorted(after)
    return [k for k in after if before.get(k, {}).get("review") != after[k]["review"]]


def _allowed(conv: coach.Conversation, reply: str, catalogue: dict[str, MetricEntry]) -> str:
    named = " ".join(f"{e.name} {e.definition}" for e in catalogue.values() if e.name in reply)
    return f"{conv.source} {named}"


def run_script(
    service: AppService, counter: CountingChain, script: Script, catalogue: dict[str, MetricEntry]
) -> list[dict[str, Any]]:
    """Replay one conversation through the chat handler; one graded record per user turn."""
    history: list[dict[str, Any]] = []
    conv = coach.Conversation()
    records = []
    for n, turn in enumerate(script.turns, 1):
        before = state_of(conv)
        made = counter.count
        started = time.perf_counter()
        for step_history, step_conv in chat_respond(service, turn["say"], history, conv):
            history, conv = step_history, step_conv
        seconds = time.perf_counter() - started
        after = state_of(conv)
        user_at = max(i for i, m in enumerate(history) if m["role"] == "user")
        reply = "\n\n".join(m["content"] for m in history[user_at + 1 :] if "metadata" not in m)
        op = conv.last_operation or "new_goal"
        fresh = op == "new_goal"
        observed = Observed(
            op=op,
            reviews=len(conv.reviews),
            changed=sorted(after)
            if fresh
            else [k for k in after if before.get(k, {}).get("review") != after[k]["review"]],
            before=before,
            after=after,
            reply=reply,
            reviews_made=counter.count - made,
            focus=conv.label(conv.focus) if conv.focus is not None else None,
            allowed_text=_allowed(conv, reply, catalogue),
            seconds=seconds,
        )
        problems = grade_turn(turn.get("expect", {}), observed, catalogue)
        records.append(
            {
                "conversation": script.id,
                "turn": n,
                "say": turn["say"],
                "expect": turn.get("expect", {}),
                "op": observed.op,
                "changed": observed.changed,
                "slots": {k: v["slots"] for k, v in after.items()},
                "reply": reply,
                "right": not problems,
                "problems": problems,
                "seconds": round(seconds, 2),
                "follow_up": turn is not script.turns[0],
            }
        )
    return records


def summarise(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Share of turns whose state is exactly right: all turns, follow-ups only, and per operation."""
    follow = [r for r in records if r["follow_up"]]
    by_op: dict[str, list[bool]] = {}
    for r in follow:
        by_op.setdefault(str(r["expect"].get("op", r["op"])), []).append(r["right"])
    conversations = sorted({r["conversation"] for r in records})
    whole = [c for c in conversations if all(r["right"] for r in records if r["conversation"] == c)]
    return {
        "conversations": len(conversations),
        "turns": len(records),
        "turns_right": sum(r["right"] for r in records),
        "share_right": round(sum(r["right"] for r in records) / len(records), 4) if records else 0.0,
        "follow_ups": len(follow),
        "follow_ups_right": sum(r["right"] for r in follow),
        "share_follow_ups_right": round(sum(r["right"] for r in follow) / len(follow), 4) if follow else 0.0,
        "conversations_fully_right": len(whole),
        "by_operation": {op: {"turns": len(v), "right": sum(v)} for op, v in sorted(by_op.items())},
        "seconds_total": round(sum(r["seconds"] for r in records), 1),
    }


def report_markdown(summary: dict[str, Any], records: Sequence[dict[str, Any]], config: dict[str, Any]) -> str:
    lines = [
        "# Conversation eval",
        "",
        f"Model: **{config['model']}** · run {config['started']} · scripts `{config['data']}`",
        "",
        f"**{summary['share_right']:.1%} of turns exactly right** ({summary['turns_right']}/{summary['turns']}; "
        f"follow-ups {summary['follow_ups_right']}/{summary['follow_ups']} = {summary['share_follow_ups_right']:.1%}); "
        f"{summary['conversations_fully_right']}/{summary['conversations']} conversations right at every turn; "
        f"{summary['seconds_total']} s in all.",
        "",
        "A turn is right when every expected part of the state matches (operation, key results changed and "
        "untouched, slots holding the user's numbers, proxy / reframe / metric checked against the catalogue, "
        "a question when one is due) and the reply and rewrites hold no undefined placeholder, no number the "
        "user did not give, and no new review started by a follow-up.",
        "",
        "| operation | turns | right |",
        "|---|---|---|",
        *[f"| {op} | {v['turns']} | {v['right']} |" for op, v in summary["by_operation"].items()],
        "",
        "## Turns that were not right",
        "",
    ]
    wrong = [r for r in records if not r["right"]]
    if not wrong:
        lines.append("None.")
    for r in wrong:
        lines.append(f"- **{r['conversation']}** turn {r['turn']} *{r['say']}*: " + "; ".join(r["problems"]))
    lines += [
        "",
        "## Every turn",
        "",
        "| conversation | turn | user says | operation | changed | right |",
        "|---|---|---|---|---|---|",
    ]
    for r in records:
        say = r["say"].replace("\n", " / ").replace("|", "\\|")
        lines.append(
            f"| {r['conversation']} | {r['turn']} | {say[:70]} | {r['op']} | {', '.join(r['changed'])} | "
            f"{'yes' if r['right'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def run(
    service: AppService,
    scripts: Sequence[Script],
    progress: Callable[[int, int], None] | None = None,
    sink: Path | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Replay every script; with ``sink``, each conversation's records are appended there as they finish."""
    counter = CountingChain(service)
    catalogue = service.chain.knowledge.catalogue
    records: list[dict[str, Any]] = []
    for n, script in enumerate(scripts, 1):
        done = run_script(service, counter, script, catalogue)
        records += done
        if sink:
            with open(sink, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in done)
        if progress:
            progress(n, len(scripts))
    return records, summarise(records)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="okr eval conversations", description="Replay scripted chats; grade each turn.")
    p.add_argument("--model", default=None, help="model under test (default OKR_MODEL or local)")
    p.add_argument("--data", type=Path, default=DATA, help="the scripts (default evals/data/conversations.yaml)")
    p.add_argument("--only", default=None, help="run only conversations whose id contains this")
    p.add_argument("--out", type=Path, default=None, help="runs folder (default evals/runs)")
    p.add_argument("--publish", action="store_true", help="also copy the report to evals/reports/conversations")
    a = p.parse_args(list(sys.argv[1:] if argv is None else argv))
    from tqdm import tqdm

    from assistant.api import build_chain
    from assistant.models import describe_model

    settings = Settings(**({"model": a.model} if a.model else {}))
    started = datetime.now(UTC)
    chain = build_chain(settings.model, settings)
    service = AppService(settings=settings, factory=lambda s: chain, model_label=describe_model(settings.model))
    scripts = [s for s in load_scripts(a.data) if not a.only or a.only in s.id]
    folder = (a.out or RUNS) / f"conversations-{started.strftime('%Y%m%dT%H%M%SZ')}"
    folder.mkdir(parents=True, exist_ok=True)
    with tqdm(total=len(scripts), desc="Conversations", file=sys.stderr) as bar:
        records, summary = run(service, scripts, lambda n, t: bar.update(1), sink=folder / "partial.jsonl")
    (folder / "partial.jsonl").unlink(missing_ok=True)
    config = {
        "model": describe_model(settings.model),
        "started": started.isoformat(timespec="seconds"),
        "data": str(a.data.name),
        "only": a.only,
    }
    (folder / "results.json").write_text(
        json.dumps({"config": config, "summary": summary, "turns": records}, indent=2, ensure_ascii=False),
        encoding="utf-8",
    )
    (folder / "report.md").write_text(report_markdown(summary, records, config), encoding="utf-8")
    print(f"report: {folder / 'report.md'}")
    if a.publish:
        import shutil

        shutil.rmtree(REPORTS, ignore_errors=True)
        shutil.copytree(folder, REPORTS)
        print(f"published: {REPORTS}")
    print(
        f"turns exactly right: {summary['share_right']:.1%} ({summary['turns_right']}/{summary['turns']}); "
        f"follow-ups {summary['share_follow_ups_right']:.1%}"
    )
    return 0
