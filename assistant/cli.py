"""``okr``: review goals, rewrite roadmaps, run evals, open the UI."""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from collections.abc import Sequence
from pathlib import Path

from .bulk import InputLine, decode_bytes, goal_lines, read_bytes, read_stream, review_item
from .errors import ConfigurationError, KnowledgeError, OutcomeLensError
from .settings import REPO_ROOT, Settings, disable_telemetry

disable_telemetry()


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"model": args.model} if getattr(args, "model", None) else {}
    return Settings(**overrides)


def _review_lines(args: argparse.Namespace, settings: Settings) -> list[InputLine]:
    """Arguments, or one goal per non-empty line of --input / stdin (both decoded and split the same way)."""
    if args.goal:
        return [InputLine(i, g, args.objective) for i, g in enumerate(args.goal, 1)]
    if args.input:
        text = decode_bytes(read_bytes(Path(args.input), settings.max_file_bytes)).text
    else:
        text = read_stream(sys.stdin, settings.max_file_bytes)
    lines, empty = goal_lines(text, settings.max_items_cli)
    for n in empty:
        print(f"note: line {n} is empty; skipped", file=sys.stderr)
    return lines


def _print_notes(notes: Sequence[str]) -> None:
    """Problems the user should know about but that do not stop the command (e.g. a set-aside team file)."""
    for note in notes:
        print(f"note: {note}", file=sys.stderr)


def cmd_review(args: argparse.Namespace) -> int:
    from .api import get_chain
    from .export import to_jsonl_line
    from .render import row_text
    from .schemas import GoalItem, ReviewRow

    settings = _settings(args)
    lines = _review_lines(args, settings)
    chain = get_chain(settings.model, settings)
    _print_notes(getattr(getattr(chain, "index", None), "notes", []))
    status = 0
    for entry in lines:
        objective = entry.objective or args.objective
        if entry.error:
            row = ReviewRow.failed(entry.text, entry.error, objective if isinstance(objective, str) else None)
        else:
            row = review_item(chain, GoalItem(text=entry.text, objective=objective, line=entry.line))
        if args.format == "jsonl":
            print(to_jsonl_line(row), flush=True)
        elif args.format == "json":
            print(json.dumps(row.model_dump(), indent=2, ensure_ascii=False), flush=True)
        else:
            print(row_text(row) + "\n", flush=True)
        status = status or (1 if row.error and args.format == "text" else 0)
    return status


def cmd_roadmap(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .api import get_chain
    from .export import WRITERS, RowStream
    from .roadmap import parse_file, parse_roadmap

    settings = _settings(args)
    fmt = args.format or (Path(args.out).suffix.lstrip(".").lower() if args.out else "md")
    if fmt not in WRITERS:
        print(f"error: unknown format '{fmt}'; use csv, jsonl, json or md", file=sys.stderr)
        return 2
    limit = settings.max_items_cli
    if args.file == "-":
        parsed = parse_roadmap(read_stream(sys.stdin, settings.max_file_bytes), limit)
    else:
        parsed = parse_file(Path(args.file), limit, settings.max_file_bytes)
    for line, reason in parsed.skipped:
        print(f"note: line {line} skipped ({reason})", file=sys.stderr)
    for note in parsed.notes:
        print(f"note: {note}", file=sys.stderr)
    if not parsed.items:
        print("error: no goals found in the roadmap; put one goal per line or use a 'goal' column", file=sys.stderr)
        return 1
    out = open(args.out, "w", encoding="utf-8", newline="") if args.out else sys.stdout  # noqa: SIM115
    try:  # the output file is opened first, so a bad --out path fails before the model loads
        chain = get_chain(settings.model, settings)
        _print_notes(getattr(getattr(chain, "index", None), "notes", []))
        stream = RowStream(out, fmt)
        with tqdm(total=len(parsed.items), desc="Reviewing", unit="goal", file=sys.stderr) as bar:
            for item in parsed.items:
                stream.write(review_item(chain, item))
                bar.update(1)
        stream.close()
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"wrote {len(stream.rows)} rows to {args.out}", file=sys.stderr)
    return 0


def cmd_index(args: argparse.Namespace) -> int:
    import time

    from .api import build_index_for

    settings = _settings(args)
    start = time.perf_counter()
    index = build_index_for(settings)
    _print_notes(index.notes)
    where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_path
    print(
        f"collection {index.collection_name} at {where}: {len(index.knowledge.guidance)} guidance cards, "
        f"{len(index.knowledge.examples)} examples; {'rebuilt' if index.rebuilt else 'up to date'} "
        f"in {time.perf_counter() - start:.1f}s"
    )
    if args.prune:
        removed = index.prune()
        print(f"pruned {len(removed)} older collection(s){': ' + ', '.join(removed) if removed else ''}")
    elif others := index.other_collections():
        print(
            f"{len(others)} older collection(s) kept for processes that may use them; `okr index --prune` removes them"
        )
    return 0


def cmd_eval(argv: Sequence[str]) -> int:
    from evals.cli import main as eval_main

    return eval_main(list(argv))


def cmd_ui(args: argparse.Namespace) -> int:
    if args.model:
        import os

        os.environ["OKR_MODEL"] = args.model
    runpy.run_path(str(REPO_ROOT / "ui.py"), run_name="__main__")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="okr", description="Outcome Lens: rewrite outputs into outcomes.")
    sub = p.add_subparsers(dest="command", required=True)
    model_help = "local (default), a .gguf path, or provider:model such as openai:gpt-4o-mini (env OKR_MODEL)"

    r = sub.add_parser("review", help="review goals given as arguments, or one per line from stdin/--input")
    r.add_argument("goal", nargs="*", help="goal text; omit to read one goal per line")
    r.add_argument("--format", choices=["text", "json", "jsonl"], default="text")
    r.add_argument("--input", help="read goals from this file instead of stdin")
    r.add_argument("--objective", help="objective the goals belong to (context)")
    r.add_argument("--model", help=model_help)
    r.set_defaults(func=cmd_review)

    m = sub.add_parser("roadmap", help="review every item of a roadmap or OKR set (text, Markdown, CSV, XLSX)")
    m.add_argument("file", help="roadmap file, or - for stdin")
    m.add_argument("--out", help="output file (.csv, .jsonl, .json, .md); CSV and JSON Lines are written row by row")
    m.add_argument("--format", choices=["csv", "jsonl", "json", "md"])
    m.add_argument("--model", help=model_help)
    m.set_defaults(func=cmd_roadmap)

    i = sub.add_parser("index", help="build or check the knowledge index")
    i.add_argument(
        "--prune",
        action="store_true",
        help="delete older index collections (keeps the current one; stop other okr "
        "processes first or they rebuild theirs on their next review)",
    )
    i.add_argument("--model", help=argparse.SUPPRESS)
    i.set_defaults(func=cmd_index)

    u = sub.add_parser("ui", help="open the Gradio app")
    u.add_argument("--model", help=model_help)
    u.set_defaults(func=cmd_ui)

    sub.add_parser("eval", help="run the eval suite (okr eval --help)", add_help=False)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["eval"]:
        return cmd_eval(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (ConfigurationError, KnowledgeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OutcomeLensError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # unreadable or unwritable paths: one line, no traceback
        print(
            f"error: {exc.strerror or exc}: {exc.filename or ''}; check the path and its permissions", file=sys.stderr
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
