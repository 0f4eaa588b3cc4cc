"""``okr``: review goals, rewrite roadmaps, run evals, open the UI."""

from __future__ import annotations

import argparse
import json
import runpy
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .bulk import InputLine, decode_bytes, goal_lines, read_bytes, read_stream
from .errors import ConfigurationError, KnowledgeError, OutcomeLensError
from .settings import REPO_ROOT, Settings, disable_telemetry
from .storage import atomic_write_text

if TYPE_CHECKING:
    from .chain import ReviewChain
    from .runner import Journal, Runner
    from .schemas import GoalItem, ReviewRow

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

    settings = _settings(args)
    lines = _review_lines(args, settings)
    chain = get_chain(settings.model, settings)
    _print_notes(getattr(getattr(chain, "index", None), "notes", []))
    items = [_line_item(entry, args.objective) for entry in lines]
    errors = {n: entry.error for n, entry in enumerate(lines) if entry.error}
    runner = _runner(chain, settings, args)
    if args.resume:
        return _review_resumable(runner, items, errors, args)
    status = 0
    for row in _rows(runner, items, errors):
        if args.format == "jsonl":
            print(to_jsonl_line(row), flush=True)
        elif args.format == "json":
            print(json.dumps(row.model_dump(), indent=2, ensure_ascii=False), flush=True)
        else:
            print(row_text(row) + "\n", flush=True)
        status = status or (1 if row.error and args.format == "text" else 0)
    return status


def _line_item(entry: InputLine, objective: str | None) -> GoalItem:
    """An input line as a goal; a line refused on reading is not validated (it becomes a failed row, not a review)."""
    from .schemas import GoalItem

    if entry.error:
        return GoalItem.model_construct(text=entry.text, objective=entry.objective or objective, line=entry.line)
    return GoalItem(text=entry.text, objective=entry.objective or objective, line=entry.line)


def _rows(runner: Runner, items: Sequence[GoalItem], errors: dict[int, str]) -> Iterator[ReviewRow]:
    """One row per item in order: refused lines as failed rows, the rest from the runner (cache, concurrency)."""
    from .schemas import ReviewRow

    good = runner.stream([i for n, i in enumerate(items) if n not in errors])
    for n, item in enumerate(items):
        yield ReviewRow.failed(item.text, errors[n], item.objective) if n in errors else next(good)


def _runner(chain: ReviewChain, settings: Settings, args: argparse.Namespace) -> Runner:
    """The shared bulk runner with this command's --concurrency / --no-cache (else OKR_CONCURRENCY / OKR_CACHE)."""
    from .runner import Runner

    runner = Runner.for_settings(chain, settings, args.concurrency, False if args.no_cache else None)
    _print_notes(runner.notes)
    return runner


def _review_resumable(runner: Runner, items: list[GoalItem], errors: dict[int, str], args: argparse.Namespace) -> int:
    """``okr review --format jsonl --resume OUT``: keep OUT's rows, append the reviews of the remaining goals."""
    from .runner import Journal

    if args.format != "jsonl":
        print("error: --resume needs --format jsonl (rows are appended to OUT one per line)", file=sys.stderr)
        return 2
    journal = Journal(Path(args.resume), items, resume=True)
    if journal.kept:
        print(f"note: {len(journal.kept)} of {len(items)} rows already in {args.resume}; kept", file=sys.stderr)
    try:
        done = len(journal.kept)
        rest = {n - done: e for n, e in errors.items() if n >= done}
        for row in _rows(runner, items[done:], rest):
            journal.append(row)
    finally:
        journal.close()
    print(f"wrote {len(items)} rows to {args.resume}", file=sys.stderr)
    return 0


def cmd_roadmap(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .api import get_chain
    from .export import WRITERS, RowStream
    from .roadmap import parse_file, parse_roadmap

    settings = _settings(args)
    out = args.resume or args.out
    fmt = args.format or (Path(out).suffix.lstrip(".").lower() if out else "md")
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
    journal = _roadmap_journal(Path(out), parsed.items, bool(args.resume)) if out else None  # fails before the model
    chain = get_chain(settings.model, settings)
    _print_notes(getattr(getattr(chain, "index", None), "notes", []))
    runner = _runner(chain, settings, args)
    rows = list(journal.kept) if journal else []
    streamed = not out or fmt in RowStream.STREAMING  # CSV and JSON Lines go out row by row, as rows finish
    handle = open(out, "w", encoding="utf-8", newline="") if out and streamed else sys.stdout  # noqa: SIM115
    sink = RowStream(handle, fmt) if streamed else None
    try:
        for row in rows if sink else []:
            sink.write(row)  # type: ignore[union-attr]
        with tqdm(total=len(parsed.items), initial=len(rows), desc="Reviewing", unit="goal", file=sys.stderr) as bar:
            for row in runner.stream(parsed.items[len(rows) :]):
                rows.append(row)
                if journal:
                    journal.append(row)
                if sink:
                    sink.write(row)
                bar.update(1)
        if sink:
            sink.close()
    finally:
        if handle is not sys.stdout:
            handle.close()
    if args.set_out:
        _write_set(chain, rows, Path(args.set_out))
    if not out:
        return 0
    if not sink:  # JSON and Markdown need every row: written once, atomically
        atomic_write_text(Path(out), WRITERS[fmt](rows), hint="choose an --out path in a writable folder")
    if journal:
        journal.discard()
    print(f"wrote {len(rows)} rows to {out}", file=sys.stderr)
    return 0


def set_format(path: Path) -> str:
    """The rewritten set's format from the file name: .md (default), .csv or .json."""
    ext = path.suffix.lstrip(".").lower()
    return ext if ext in ("csv", "json") else "md"


def _write_set(chain: ReviewChain, rows: Sequence[ReviewRow], path: Path) -> None:
    """``--set-out``: the set review's rewritten set, and its score and top findings on stderr."""
    from .api import set_review_of
    from .okrset import SET_WRITERS

    review = set_review_of(chain, rows)
    atomic_write_text(path, SET_WRITERS[set_format(path)](review), hint="choose a --set-out path in a writable folder")
    print(
        f"set score {review.score}/100 (as written {review.score_before}/100); wrote the set to {path}", file=sys.stderr
    )
    for f in review.findings:
        if f.severity != "info":
            print(f"{f.severity}: {f.message}", file=sys.stderr)
    for c in review.top_changes:
        print(f"to raise it: {c.message}", file=sys.stderr)


def _roadmap_journal(out: Path, items: Sequence[GoalItem], resume: bool) -> Journal:
    """Finished rows go to OUT.partial.jsonl as they come, so an interrupted run can be resumed (--resume OUT)."""
    from .runner import Journal, journal_path, written_rows

    seed = written_rows(out) if resume else None
    if not resume and journal_path(out).exists():
        print(
            f"note: starting over; the rows of an interrupted run in {journal_path(out)} are replaced "
            f"(--resume {out} keeps them)",
            file=sys.stderr,
        )
    try:
        journal = Journal(journal_path(out), items, resume=resume, seed=seed)
    except OSError as exc:
        raise ConfigurationError(
            f"cannot write next to {out} ({exc.strerror}); choose an --out path in a writable folder"
        ) from exc
    if journal.kept:
        print(f"note: {len(journal.kept)} of {len(items)} rows kept from an earlier run", file=sys.stderr)
    return journal


def cmd_portfolio(args: argparse.Namespace) -> int:
    """Figures per team and quarter from reviewed sets, and the trend between a team's quarters."""
    from .knowledge import load_knowledge
    from .portfolio import label_from_name, portfolio, portfolio_markdown, read_rows

    settings = _settings(args)
    if args.label and len(args.label) != len(args.files):
        print("error: give one --label team/quarter per file, or none (labels from file names)", file=sys.stderr)
        return 2
    catalogue = load_knowledge(settings.knowledge_dir).catalogue
    sets = []
    for n, name in enumerate(args.files):
        path = Path(name)
        team, quarter = args.label[n].split("/", 1) if args.label and "/" in args.label[n] else label_from_name(path)
        sets.append((read_rows(path), team, quarter))
    print(portfolio_markdown(portfolio(sets, catalogue)), end="")
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


def cmd_serve(args: argparse.Namespace) -> int:
    """Start the team's model server and Chroma server, print how to point the app at them, stop both on Ctrl-C."""
    import signal
    import time

    from . import serving
    from .exposure import is_loopback
    from .models import ensure_local_gguf

    settings = _settings(args)
    if missing := serving.server_extra_missing():
        print(f"error: llama-cpp-python's server is not installed ({missing})", file=sys.stderr)
        return 2
    gguf = Path(args.gguf) if args.gguf else ensure_local_gguf(settings.cache_dir)
    check = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    chroma_path = Path(args.chroma_path) if args.chroma_path else settings.cache_dir / "chroma-server"
    logs = settings.cache_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if not is_loopback(args.host):
        print(
            f"warning: {args.host} exposes both servers without a login; keep them on a private network",
            file=sys.stderr,
        )
    procs = []
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops both servers like Ctrl-C does
    try:
        command = serving.model_server_command(gguf, args.host, args.model_port, settings.n_threads, settings.n_ctx)
        procs.append(serving.start(command, f"http://{check}:{args.model_port}/v1/models", logs / "model-server.log"))
        command = serving.chroma_server_command(chroma_path, args.host, args.chroma_port)
        procs.append(serving.start(command, f"http://{check}:{args.chroma_port}/api/v2/heartbeat", logs / "chroma.log"))
        print(
            f"model server  http://{args.host}:{args.model_port}/v1  ({gguf.name}, llama.cpp)\n"
            f"chroma server http://{args.host}:{args.chroma_port}  (data: {chroma_path})\n"
            f"logs          {logs}\n\n"
            "Point the app and the CLI at them (on this machine or another one):\n"
            f"  export OKR_MODEL=openai:{serving.MODEL_ALIAS} OPENAI_BASE_URL=http://{check}:{args.model_port}/v1\n"
            f"  export OKR_CHROMA_HOST={check} OKR_CHROMA_PORT={args.chroma_port}\n"
            "  make ui\n\nCtrl-C stops both.",
            flush=True,
        )
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("error: a server stopped; see the logs above", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for proc in procs:
            serving.stop(proc)


def _bulk_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="goals sent to a served model at once (env OKR_CONCURRENCY, default 1; the embedded model keeps 1)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="review every goal again instead of answering from the result cache"
    )


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
    r.add_argument(
        "--resume",
        metavar="OUT",
        help="append the JSON Lines rows to OUT, keeping the rows an interrupted run already wrote there",
    )
    _bulk_flags(r)
    r.set_defaults(func=cmd_review)

    m = sub.add_parser("roadmap", help="review every item of a roadmap or OKR set (text, Markdown, CSV, XLSX)")
    m.add_argument("file", help="roadmap file, or - for stdin")
    m.add_argument("--out", help="output file (.csv, .jsonl, .json, .md); CSV and JSON Lines are written row by row")
    m.add_argument("--format", choices=["csv", "jsonl", "json", "md"])
    m.add_argument("--model", help=model_help)
    m.add_argument(
        "--resume",
        metavar="OUT",
        help="write to OUT (like --out), keeping the rows an interrupted run already finished (OUT.partial.jsonl)",
    )
    m.add_argument(
        "--set-out",
        metavar="SET",
        help="also write the rewritten OKR set with its score and findings (.md, .csv or .json)",
    )
    _bulk_flags(m)
    m.set_defaults(func=cmd_roadmap)

    f = sub.add_parser("portfolio", help="figures per team and quarter from reviewed sets (okr roadmap --out files)")
    f.add_argument(
        "files",
        nargs="+",
        help="review files (.jsonl, .json, .csv): one per set (growth-2025Q1.jsonl), or one with team/quarter columns",
    )
    f.add_argument("--label", action="append", metavar="TEAM/QUARTER", help="label per file, in order")
    f.set_defaults(func=cmd_portfolio)

    i = sub.add_parser("index", help="build or check the knowledge index")
    i.add_argument(
        "--prune",
        action="store_true",
        help="delete older index collections (keeps the current one; stop other okr "
        "processes first or they rebuild theirs on their next review)",
    )
    i.add_argument("--model", help=argparse.SUPPRESS)
    i.set_defaults(func=cmd_index)

    v = sub.add_parser("serve", help="start the team's model server and Chroma server (make serve-team)")
    v.add_argument("--host", default="127.0.0.1", help="address both servers bind (default 127.0.0.1)")
    v.add_argument("--model-port", type=int, default=8080, help="OpenAI-compatible model server port (8080)")
    v.add_argument("--chroma-port", type=int, default=8000, help="Chroma server port (8000)")
    v.add_argument("--gguf", help="serve this GGUF instead of the embedded model")
    v.add_argument("--chroma-path", help="Chroma server data folder (default <cache>/chroma-server)")
    v.set_defaults(func=cmd_serve)

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
