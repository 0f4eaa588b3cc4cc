"""Outcome Lens - the Gradio app: coach chat, bulk roadmap rewrite, OKR set, portfolio, knowledge browser.

Run:  .venv/bin/python ui.py      (binds 127.0.0.1:7860; settings via OKR_* environment variables)
This file puts the tabs together: each tab's wiring is a small module in ``assistant.app``, its functions live in
``assistant.handlers``. Who may reach the app (login, open mode without the endpoints that write files) is
decided by ``assistant.exposure``.
"""

from __future__ import annotations

import sys
from typing import Any

from assistant.settings import Settings, disable_telemetry

disable_telemetry()

import gradio as gr  # noqa: E402

from assistant import handlers as H  # noqa: E402
from assistant.app import chat_tab, knowledge_tab, portfolio_tab, roadmap_tab, set_tab  # noqa: E402
from assistant.app.chat_tab import EXAMPLE_GOALS  # noqa: E402, F401  (re-exported for scripts)
from assistant.app.roadmap_tab import EXAMPLE_ROADMAP  # noqa: E402, F401
from assistant.app.style import CSS  # noqa: E402
from assistant.errors import OutcomeLensError  # noqa: E402
from assistant.exposure import ExposurePolicy, check_exposure  # noqa: E402
from assistant.models import describe_model  # noqa: E402


def build_app(service: H.AppService) -> gr.Blocks:
    """The tabs, each wired in its own module under ``assistant.app``, plus the named API endpoints."""

    def review_goal(goal: str, objective: str = "") -> dict[str, Any]:
        """Review one OKR goal: output or outcome, outcome rewrite, initiative, proxy, controllability.

        Args:
            goal: the key result or roadmap item to review, e.g. "Launch the new onboarding flow".
            objective: optional objective the goal belongs to, used as context.
        Returns:
            The JSON Lines contract row: goal, kind, rationale, metric, baseline, target, deadline, rewrite,
            initiative, needs_proxy, proxy, team_controls, sources, error.
        """
        return H.review_json(service, goal, objective)

    def review_roadmap(text: str) -> list[dict[str, Any]]:
        """Review every item of a pasted roadmap or OKR set (lines, Markdown bullets, objectives with KRs, CSV).

        Args:
            text: the roadmap text.
        Returns:
            One JSON row per item, in order, with an error field where an item failed.
        """
        rows, _, _ = H.run_roadmap(service, text, None)
        return [r.model_dump() for r in rows]

    with gr.Blocks(title="Outcome Lens") as demo:
        gr.Markdown(
            f"# 🔎 Outcome Lens\nTurn output-style key results into measurable outcomes your team can "
            f"move. Model: **{service.model_label}**",
            elem_id="header",
        )
        notices = service.notices()
        if notices:
            gr.Markdown("\n".join(f"> ⚠️ {H.no_paths(n)}" for n in notices), elem_id="notices")
        with gr.Tab("Coach chat", id="chat"):
            chat_tab.build(service)
        with gr.Tab("Roadmap", id="roadmap"):
            roadmap_tab.build(service)
        with gr.Tab("OKR set", id="set"):
            set_tab.build(service)
        with gr.Tab("Portfolio", id="portfolio"):
            portfolio_tab.build(service)
        with gr.Tab("Knowledge", id="knowledge"):
            refresh_knowledge, knowledge_views = knowledge_tab.build(service)
        demo.load(refresh_knowledge, None, knowledge_views, api_visibility="private", queue=False)
        gr.api(review_goal, api_name="review_goal")
        gr.api(review_roadmap, api_name="review_roadmap")
    return demo


def default_service(settings: Settings | None = None) -> H.AppService:
    from assistant.api import build_chain

    settings = settings or Settings()
    return H.AppService(
        settings=settings, factory=lambda s: build_chain(s.model, s), model_label=describe_model(settings.model)
    )


def launch(service: H.AppService, policy: ExposurePolicy | None = None, **kwargs: Any) -> Any:
    """Check who may reach the app first (raises ``ConfigurationError`` before binding), then serve it."""
    s = service.settings
    policy = policy or check_exposure(s)
    service.allow_writes = service.allow_writes and policy.allow_writes
    if policy.warning:
        print(f"warning: {policy.warning}", file=sys.stderr)
    demo = build_app(service)
    demo.queue(default_concurrency_limit=s.ui_concurrency)
    from assistant.rest import api_routes  # the JSON API at /api/v1, same login (assistant/rest.py)

    kwargs.setdefault("app_kwargs", {"routes": api_routes(service, policy.auth)})
    demo.launch(
        server_name=s.ui_host,
        server_port=s.ui_port,
        auth=policy.auth,
        css=CSS,
        theme=gr.themes.Soft(),
        max_file_size=s.max_file_bytes,  # Gradio refuses bigger uploads before they reach us
        **kwargs,
    )
    return demo


def main() -> None:
    import importlib.util

    service = default_service()
    try:
        policy = check_exposure(service.settings)  # refuse before the model loads, not after
        service.chain  # load the model and the index before the first visitor arrives  # noqa: B018
    except OutcomeLensError as exc:
        raise SystemExit(f"error: {exc}") from None
    for note in service.notices():
        print(f"note: {note}", file=sys.stderr)
    launch(service, policy, mcp_server=importlib.util.find_spec("mcp") is not None)


if __name__ == "__main__":
    main()
