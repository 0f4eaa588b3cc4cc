"""Portfolio trend: several reviewed sets, per team and quarter - share of outputs, average score, gaps.

Reads the review rows ``okr roadmap --out`` writes (JSON Lines, JSON or CSV), so a portfolio never calls the
model again. Each file is one set; its team and quarter come from ``--label team/quarter`` or from the file
name (``growth-2025Q1.jsonl`` -> team growth, quarter 2025-Q1).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .errors import InputError
from .roadmap import find_quarter, normalise_quarter
from .schemas import MetricEntry, ReviewRow
from .scoring import facts_from_row, mean, score

UNKNOWN_QUARTER = "?"


class PortfolioRow(BaseModel):
    """One set's figures: what the trend compares across quarters."""

    team: str
    quarter: str
    key_results: int
    outputs: int
    output_share: int  # percent
    average_score: int
    not_controllable: int
    unmeasurable: int  # no target as written


def label_from_name(path: Path) -> tuple[str, str]:
    """'growth-2025Q1.jsonl' -> ('growth', '2025-Q1'); a name without a quarter keeps the whole stem as team."""
    return label_from_text(path.stem)


def label_from_text(text: str) -> tuple[str, str]:
    """'growth 2025 Q1' -> ('growth', '2025-Q1'): the team is what is left once the quarter is taken out."""
    m = find_quarter(text)
    if not m:
        return text.strip() or "team", UNKNOWN_QUARTER
    team = (text[: m.start()] + text[m.end() :]).strip("-_ /·:") or "team"
    return team, normalise_quarter(m.group(0))


def read_rows(path: Path) -> list[ReviewRow]:
    """Review rows from a .jsonl, .json or .csv export; anything else is refused with the fix."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        if path.suffix == ".jsonl":
            data = [json.loads(line) for line in text.splitlines() if line.strip()]
        elif path.suffix == ".json":
            data = json.loads(text)
        elif path.suffix == ".csv":
            data = [_csv_row(r) for r in csv.DictReader(io.StringIO(text))]
        else:
            raise InputError(f"{path.name}: use the .jsonl, .json or .csv file `okr roadmap --out` wrote")
        return [ReviewRow.model_validate(d) for d in data]
    except (json.JSONDecodeError, ValidationError, TypeError) as exc:
        raise InputError(
            f"{path.name} is not a review file ({type(exc).__name__}); review it with okr roadmap first"
        ) from exc


def _csv_row(r: dict[str, str]) -> dict[str, object]:
    """A CSV export's cells back into row fields (yes/no booleans, '; ' lists, empty = None)."""
    out: dict[str, object] = {}
    for k, v in r.items():
        if k in ("needs_proxy", "team_controls"):
            out[k] = {"yes": True, "no": False}.get(v)
        elif k in ("sources", "alternatives", "notes"):
            out[k] = [x for x in v.split("; ") if x]
        else:
            out[k] = v.lstrip("'") if v else None
    return {k: v for k, v in out.items() if v is not None or k == "kind"}


def figures(rows: Sequence[ReviewRow], team: str, quarter: str, catalogue: dict[str, MetricEntry]) -> PortfolioRow:
    ok = [r for r in rows if not r.error and r.kind]
    outputs = sum(r.kind == "output" for r in ok)
    return PortfolioRow(
        team=team,
        quarter=quarter,
        key_results=len(ok),
        outputs=outputs,
        output_share=round(100 * outputs / len(ok)) if ok else 0,
        average_score=mean([score(facts_from_row(r, catalogue)).score for r in ok]),
        not_controllable=sum(r.team_controls is False for r in ok),
        unmeasurable=sum(not r.target for r in ok),
    )


def split(rows: Sequence[ReviewRow], team: str, quarter: str) -> list[tuple[str, str, list[ReviewRow]]]:
    """One reviewed set per team and quarter: a row's own team/quarter column wins over the set's label.

    So one file holding several teams or quarters gives one portfolio line for each, in order of appearance.
    """
    groups: dict[tuple[str, str], list[ReviewRow]] = {}
    for r in rows:
        key = (r.team or team, normalise_quarter(r.quarter) if r.quarter else quarter)
        groups.setdefault(key, []).append(r)
    return [(t, q, rs) for (t, q), rs in groups.items()]


def portfolio(
    sets: Sequence[tuple[Sequence[ReviewRow], str, str]], catalogue: dict[str, MetricEntry]
) -> list[PortfolioRow]:
    """The portfolio table of several labelled sets; the same team and quarter from two sources add up."""
    merged: dict[tuple[str, str], list[ReviewRow]] = {}
    for rows, team, quarter in sets:
        for t, q, rs in split(rows, team, quarter):
            merged.setdefault((t, q), []).extend(rs)
    return [figures(rs, t, q, catalogue) for (t, q), rs in merged.items()]


def trends(table: Sequence[PortfolioRow]) -> list[str]:
    """'growth: outputs fell from 60% to 25% (2025-Q1 -> 2025-Q2); average score rose from 40 to 71'."""
    lines = []
    for team in dict.fromkeys(r.team for r in table):
        mine = sorted((r for r in table if r.team == team), key=lambda r: r.quarter)
        if len(mine) < 2:
            continue
        a, b = mine[0], mine[-1]
        lines.append(
            f"{team}: outputs {_moved(a.output_share, b.output_share, '%')}, average score "
            f"{_moved(a.average_score, b.average_score, '')} ({a.quarter} -> {b.quarter})"
        )
    return lines


def _moved(a: int, b: int, unit: str) -> str:
    if a == b:
        return f"stayed at {a}{unit}"
    return f"{'rose' if b > a else 'fell'} from {a}{unit} to {b}{unit}"


def portfolio_markdown(table: Sequence[PortfolioRow]) -> str:
    head = "| team | quarter | key results | outputs | average score | not controllable | no target |"
    lines = [head, "|---|---|---|---|---|---|---|"]
    for r in sorted(table, key=lambda r: (r.team, r.quarter)):
        lines.append(
            f"| {r.team} | {r.quarter} | {r.key_results} | {r.outputs} ({r.output_share}%) | {r.average_score} | "
            f"{r.not_controllable} | {r.unmeasurable} |"
        )
    return "\n".join(lines + [""] + [f"- {t}" for t in trends(table)]) + "\n"
