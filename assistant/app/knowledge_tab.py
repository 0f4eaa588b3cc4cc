"""Knowledge tab: guidance cards, the metric catalogue, worked examples, and the form for the team's own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from .. import handlers as H

WRITES_OFF = (
    "*Adding team examples is switched off: this app is served without a login. Set "
    "OKR_UI_USERNAME and OKR_UI_PASSWORD and restart it to turn it on.*"
)


def _examples_label(service: H.AppService) -> str:
    _, examples = H.knowledge_frames(service)
    return f"Worked examples ({len(examples)}, {H.team_count(service)} from your team)"


def build(service: H.AppService) -> tuple[Callable[[], Any], list[Any]]:
    """The knowledge tab; returns what to refresh when a page loads (so a reload shows the team's examples)."""
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
        examples_df,
        wrap=True,
        interactive=False,
        label=_examples_label(service),
        max_height=420,
        elem_id="examples-table",
    )
    if not service.allow_writes:
        gr.Markdown(WRITES_OFF, elem_id="writes-off")
    with gr.Accordion("Add your team's own example", open=False, visible=service.allow_writes, elem_id="add-example"):
        with gr.Row():
            goal = gr.Textbox(label=H.FORM_LABELS["goal"], elem_id="ex-goal")
            kind = gr.Radio(["output", "outcome"], value="output", label=H.FORM_LABELS["kind"])
            metric = gr.Textbox(label=H.FORM_LABELS["metric"], elem_id="ex-metric")
        with gr.Row():
            rewrite = gr.Textbox(label=f"{H.FORM_LABELS['rewrite']} (use [baseline] [target] [deadline])")
            proxy = gr.Textbox(label=f"{H.FORM_LABELS['proxy']} (only for slow outcomes)")
        with gr.Row():
            controls = gr.Checkbox(value=True, label=H.FORM_LABELS["team_controls"])
            reframe = gr.Textbox(label=f"{H.FORM_LABELS['reframe']} (if the team cannot control it)")
            why = gr.Textbox(label=H.FORM_LABELS["why"])
        save = gr.Button("Validate, save and index", elem_id="ex-save")
        saved = gr.Markdown(elem_id="ex-saved")

    def refresh() -> Any:
        return gr.update(value=H.knowledge_frames(service)[1], label=_examples_label(service))

    def add(goal: str, kind: str, metric: str, rewrite: str, proxy: str, controls: bool, reframe: str, why: str):
        message = H.add_team_example(service, goal, kind, metric, rewrite, proxy, controls, reframe, why)
        return message, refresh()

    if service.allow_writes:  # open mode: no button handler, so no /add_example endpoint either
        save.click(
            add,
            [goal, kind, metric, rewrite, proxy, controls, reframe, why],
            [saved, examples_view],
            api_name="add_example",
        )
    return refresh, [examples_view]
