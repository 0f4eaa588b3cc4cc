"""The app's wiring, read from the Gradio config: no lost messages, Enter sends, labels, reload, mobile."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ui
from assistant import handlers as H
from assistant.app.style import CSS
from assistant.chain import ReviewChain
from assistant.settings import REPO_ROOT, Settings
from tests.fakes import FakeToolModel


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory, shared_index: Any) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("app")
    settings = Settings(cache_dir=tmp, chroma_dir=tmp / "chroma", team_examples_file=tmp / "team.yaml")
    chain = ReviewChain(FakeToolModel(), shared_index, settings, model_label="fake")
    return ui.build_app(H.AppService(settings=settings, factory=lambda s: chain, model_label="fake")).config


def component(config: dict[str, Any], elem_id: str) -> dict[str, Any]:
    return next(c for c in config["components"] if c["props"].get("elem_id") == elem_id)


def events_of(config: dict[str, Any], target: int) -> list[dict[str, Any]]:
    return [d for d in config["dependencies"] if any(t[0] == target for t in d["targets"])]


def test_the_chat_box_has_a_label_and_enter_sends(config: dict[str, Any]) -> None:
    box = component(config, "chat-input")["props"]
    assert box["label"] and box["show_label"] is not False  # an accessible name
    assert box["lines"] == 1 and box["max_lines"] > 1  # Enter sends; Shift+Enter adds a line and the box grows


def test_no_message_is_dropped_while_the_coach_works(config: dict[str, Any]) -> None:
    """Sending is never blocked by a running answer: it queues at once and a follow-on step answers in order."""
    for elem_id in ("chat-input", "chat-send"):
        (send,) = events_of(config, component(config, elem_id)["id"])
        assert send["trigger_mode"] == "multiple" and send["queue"] is False
        (answer,) = [d for d in config["dependencies"] if d.get("trigger_after") == config["dependencies"].index(send)]
        assert answer["trigger_mode"] == "multiple"
        assert component(config, "chatbot")["id"] in answer["outputs"]
        assert component(config, "chat-status")["id"] in answer["outputs"] + send["outputs"]


def test_the_knowledge_table_is_refreshed_on_every_page_load(config: dict[str, Any]) -> None:
    table = component(config, "examples-table")["id"]
    loads = [d for d in config["dependencies"] if any(t[1] == "load" for t in d["targets"])]
    assert any(table in d["outputs"] for d in loads)


def test_internal_events_are_not_api_endpoints(config: dict[str, Any]) -> None:
    public = {d["api_name"] for d in config["dependencies"] if d.get("api_visibility") == "public"}
    assert {"chat", "review_goal", "review_roadmap", "roadmap"} <= public
    assert not any(name.startswith(("false", "enqueue", "answer", "refresh")) for name in public)


def test_mobile_rules() -> None:
    from assistant.columns import SHOWN_COLUMNS

    assert "#roadmap-table .virtual-table-viewport {overflow-x: auto" in CSS  # the table scrolls sideways...
    assert all(c.width.endswith("px") for c in SHOWN_COLUMNS)  # ...because its columns never shrink to letters
    assert "@media (max-width: 700px)" in CSS


def test_ui_is_split_per_tab() -> None:
    app = REPO_ROOT / "assistant" / "app"
    assert {"chat_tab.py", "roadmap_tab.py", "knowledge_tab.py"} <= {p.name for p in app.iterdir()}
    handlers = REPO_ROOT / "assistant" / "handlers"
    assert {"chat.py", "roadmap.py", "knowledge.py", "service.py"} <= {p.name for p in handlers.iterdir()}
    for path in [REPO_ROOT / "ui.py", *app.glob("*.py"), *handlers.glob("*.py")]:
        assert len(Path(path).read_text().splitlines()) < 260, path
