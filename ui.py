"""Outcome Lens - the Gradio app: coach chat, bulk roadmap rewrite, knowledge browser.

Run:  .venv/bin/python ui.py      (binds 127.0.0.1:7860; settings via OKR_* environment variables)
This file only wires components to the plain functions in ``assistant.handlers``. Who may reach the app
(login, open mode without the endpoints that write files) is decided by ``assistant.exposure``.
"""

from __future__ import annotations

import sys
from typing import Any

from assistant.settings import Settings, disable_telemetry

disable_telemetry()

import gradio as gr  # noqa: E402

from assistant import handlers as H  # noqa: E402
from assistant.errors import OutcomeLensError  # noqa: E402
from assistant.exposure import ExposurePolicy, check_exposure  # noqa: E402
from assistant.models import describe_model  # noqa: E402

EXAMPLE_GOALS = [
    "Launch the new onboarding flow",
    "Publish 12 blog posts this quarter",
    "Improve industry NPS from 30 to 50",
    "Increase 12-month retention of SaaS customers",
    "Objective: Make new users successful fast\n- KR1: Ship the product tour\n- KR2: Raise activation from 45% "
    "to 62% by Q3",
]
EXAMPLE_ROADMAP = """Objective: Make new users successful fast
- KR1: Launch the redesigned onboarding flow
- KR2: Raise activation from 45% to 62% by Q3
- KR3: Publish 10 help videos

Objective: Be the team customers trust
- KR1: Pass the SOC 2 audit
- KR2: Improve industry NPS
"""
CSS = """
.kind-legend {font-size: 0.9em; opacity: 0.85}
#roadmap-table table {font-size: 0.88em}
footer {display: none !important}
"""


def build_app(service: H.AppService) -> gr.Blocks:
    def chat_stream(message: str, history: list[dict[str, Any]], state: H.ChatState):
        yield from H.chat_respond(service, message, history, state)

    def chat(message: str) -> str:
        """Ask the coach about one goal or a pasted OKR set; returns the review as Markdown.

        Args:
            message: a key result, a roadmap item, or a whole OKR set.
        Returns:
            The coach's reviews in Markdown.
        """
        history, _ = list(H.chat_respond(service, message, [], None))[-1]
        return "\n\n".join(m["content"] for m in history if m["role"] == "assistant")

    def roadmap(text: str, upload: str | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
        progress(0, desc="Parsing")
        rows, notes, folder = H.run_roadmap(
            service, text, upload, progress=lambda n, t: progress((n, t), desc="Reviewing", unit="goals")
        )
        if not rows:
            return (
                "**No goals found.** Paste one goal per line, Markdown bullets, an OKR set, or upload CSV/XLSX.",
                None,
                None,
                "",
                None,
            )
        files = [str(folder / f"roadmap_review.{ext}") for ext in ("csv", "json", "md")]
        return (
            H.summary_markdown(rows),
            H.summary_chart(rows),
            H.styled_table(rows),
            "\n".join(f"- {n}" for n in notes),
            files,
        )

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

    def add_example(
        goal: str, kind: str, metric: str, rewrite: str, proxy: str, controls: bool, reframe: str, why: str
    ):
        message = H.add_team_example(service, goal, kind, metric, rewrite, proxy, controls, reframe, why)
        return message, H.knowledge_frames(service)[1]

    with gr.Blocks(title="Outcome Lens") as demo:
        gr.Markdown(
            f"# 🔎 Outcome Lens\nTurn output-style key results into measurable outcomes your team can "
            f"move. Model: **{service.model_label}**",
            elem_id="header",
        )
        notices = service.notices()
        if notices:
            gr.Markdown("\n".join(f"> ⚠️ {n}" for n in notices), elem_id="notices")
        with gr.Tab("Coach chat", id="chat"):
            chatbot = gr.Chatbot(
                label="Coach",
                height=560,
                elem_id="chatbot",
                placeholder="Paste a key result or a whole OKR set to get a review.",
            )
            state = gr.State(H.ChatState())
            pending = gr.State("")
            with gr.Row():
                box = gr.Textbox(
                    placeholder="e.g. Launch the new onboarding flow - or ask a follow-up",
                    lines=2,
                    max_lines=12,
                    show_label=False,
                    scale=8,
                    elem_id="chat-input",
                )
                send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
            with gr.Row():
                clear = gr.Button("New conversation", size="sm")
            gr.Examples(EXAMPLE_GOALS, inputs=box, label="Try")
            for trigger in (send.click, box.submit):  # clear the box at once, then stream the answer
                trigger(lambda m: ("", m), box, [box, pending], api_name=False).then(
                    chat_stream, [pending, chatbot, state], [chatbot, state], api_name=False
                )
            gr.api(chat, api_name="chat")
            clear.click(lambda: ([], H.ChatState()), None, [chatbot, state], api_name=False)

        with gr.Tab("Roadmap", id="roadmap"):
            with gr.Row():
                with gr.Column(scale=3):
                    text = gr.Textbox(
                        label="Paste a roadmap or OKR set",
                        lines=10,
                        max_lines=30,
                        placeholder=EXAMPLE_ROADMAP,
                        elem_id="roadmap-input",
                    )
                with gr.Column(scale=2):
                    upload = gr.File(
                        label="...or upload CSV / XLSX / Markdown / text",
                        file_types=[".csv", ".xlsx", ".md", ".txt"],
                        type="filepath",
                    )
                    run = gr.Button("Review roadmap", variant="primary", elem_id="roadmap-run")
                    gr.Markdown(
                        "**OUTPUT** (orange) = something the team delivers · **outcome** (green) = a "
                        "change in behaviour or results · **ERROR** (red) rows keep their message: nothing "
                        "you paste is dropped.",
                        elem_classes="kind-legend",
                    )
            summary = gr.Markdown(elem_id="roadmap-summary")
            chart = gr.BarPlot(x="category", y="count", title="Summary", height=220, elem_id="roadmap-chart", sort=None)
            table = gr.Dataframe(
                headers=H.TABLE_COLUMNS,
                wrap=True,
                interactive=False,
                elem_id="roadmap-table",
                max_height=1600,
                column_widths=["3%", "7%", "15%", "20%", "11%", "9%", "5%", "7%", "9%", "14%"],
            )
            notes = gr.Markdown()
            files = gr.File(label="Download", file_count="multiple", elem_id="roadmap-files")
            run.click(roadmap, [text, upload], [summary, chart, table, notes, files], api_name="roadmap")

        with gr.Tab("Knowledge", id="knowledge"):
            guidance_df, examples_df = H.knowledge_frames(service)
            with gr.Accordion(f"Guidance cards ({len(guidance_df)})", open=False):
                gr.Dataframe(guidance_df, wrap=True, interactive=False)
            metrics_df = H.catalogue_frame(service)
            with gr.Accordion(f"Outcome-metric catalogue ({len(metrics_df)})", open=False):
                gr.Markdown(
                    "The model chooses each goal's metric from this list; the verb comes from the polarity, the "
                    "proxy from the leading metrics, the reframe from the owned slice. Add your own metrics as YAML "
                    "in `knowledge/metrics/` (see the README)."
                )
                gr.Dataframe(metrics_df, wrap=True, interactive=False, max_height=420, elem_id="catalogue-table")
            examples_view = gr.Dataframe(
                examples_df, wrap=True, interactive=False, label="Worked examples", max_height=420
            )
            if not service.allow_writes:
                gr.Markdown(
                    "*Adding team examples is switched off: this app is served without a login. Set "
                    "OKR_UI_USERNAME and OKR_UI_PASSWORD and restart it to turn it on.*",
                    elem_id="writes-off",
                )
            with gr.Accordion("Add your team's own example", open=False, visible=service.allow_writes):
                with gr.Row():
                    ex_goal = gr.Textbox(label="Goal")
                    ex_kind = gr.Radio(["output", "outcome"], value="output", label="Kind")
                    ex_metric = gr.Textbox(label="Outcome metric")
                with gr.Row():
                    ex_rewrite = gr.Textbox(label="Outcome rewrite (use [baseline] [target] [deadline])")
                    ex_proxy = gr.Textbox(label="Proxy (only for slow outcomes)")
                with gr.Row():
                    ex_controls = gr.Checkbox(value=True, label="Team controls it")
                    ex_reframe = gr.Textbox(label="Reframe (if the team cannot control it)")
                    ex_why = gr.Textbox(label="Why")
                save = gr.Button("Validate, save and index")
                saved = gr.Markdown()
                if service.allow_writes:  # open mode: no button handler, so no /add_example endpoint either
                    save.click(
                        add_example,
                        [ex_goal, ex_kind, ex_metric, ex_rewrite, ex_proxy, ex_controls, ex_reframe, ex_why],
                        [saved, examples_view],
                        api_name="add_example",
                    )

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
        server_name=s.ui_host, server_port=s.ui_port, auth=policy.auth, css=CSS, theme=gr.themes.Soft(), **kwargs
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
