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


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


__all__ = [
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
