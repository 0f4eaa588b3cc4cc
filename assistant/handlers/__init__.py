"""Plain functions behind the Gradio app, one module per tab (the app's wiring lives in ``assistant.app``).

Each one is unit-tested directly; the app is tested end to end in a browser. Everything is re-exported
here, so ``from assistant import handlers as H`` reaches all of it.
"""

from __future__ import annotations

import json
from typing import Any

from .chat import (
    FOLLOW_UP_HINT,
    ChatSession,
    ChatState,
    answer_once,
    chat_respond,
    drain,
    reset,
    status_markdown,
    submit,
)
from .knowledge import (
    FORM_LABELS,
    add_team_example,
    catalogue_frame,
    form_message,
    knowledge_frames,
    no_paths,
    team_count,
)
from .okrset import ACTIONS as SET_ACTIONS
from .okrset import SET_TABLE_COLUMNS, checklist_markdown, findings_markdown, run_set, set_files, set_table
from .okrset import apply_edit as apply_set_edit
from .okrset import kr_ids as set_kr_ids
from .okrset import score_markdown as set_score_markdown
from .portfolio import NO_SETS as NO_PORTFOLIO
from .portfolio import PORTFOLIO_COLUMNS, portfolio_chart, portfolio_frame, run_portfolio
from .portfolio import trend_markdown as portfolio_trend
from .roadmap import (
    CHART_LABELS,
    KIND_COLOURS,
    TABLE_COLUMNS,
    parse_input,
    review_json,
    rows_table,
    run_roadmap,
    styled_table,
    summary_chart,
    summary_markdown,
)
from .service import AppService, ChainFactory


def okrset_markdown(review: object) -> str:
    """The rewritten set as the Markdown people paste back (the download's content, shown in the tab)."""
    from ..okrset import to_set_markdown

    return to_set_markdown(review)  # type: ignore[arg-type]


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


__all__ = [
    "NO_PORTFOLIO",
    "PORTFOLIO_COLUMNS",
    "portfolio_chart",
    "portfolio_frame",
    "portfolio_trend",
    "run_portfolio",
    "SET_ACTIONS",
    "SET_TABLE_COLUMNS",
    "apply_set_edit",
    "checklist_markdown",
    "findings_markdown",
    "okrset_markdown",
    "run_set",
    "set_files",
    "set_kr_ids",
    "set_score_markdown",
    "set_table",
    "CHART_LABELS",
    "FOLLOW_UP_HINT",
    "FORM_LABELS",
    "KIND_COLOURS",
    "TABLE_COLUMNS",
    "AppService",
    "ChainFactory",
    "ChatSession",
    "ChatState",
    "add_team_example",
    "answer_once",
    "catalogue_frame",
    "chat_respond",
    "drain",
    "dumps",
    "form_message",
    "knowledge_frames",
    "no_paths",
    "parse_input",
    "reset",
    "review_json",
    "rows_table",
    "run_roadmap",
    "status_markdown",
    "styled_table",
    "submit",
    "summary_chart",
    "summary_markdown",
    "team_count",
]
