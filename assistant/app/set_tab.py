"""OKR set tab: paste a set, see findings and scores, edit the rewritten set, download it."""

from __future__ import annotations

from typing import Any

import gradio as gr

from .. import handlers as H

EXAMPLE_SET = """Objective: Make new users successful fast
- KR1: Launch the redesigned onboarding flow
- KR2: Raise activation from 45% to 62% by Q3
- KR3: Publish 10 help videos

Objective: Keep the platform reliable
- KR1: Migrate to Kubernetes
- KR2: Cut change failure rate from 20% to 10% by Q3
"""


def build(service: H.AppService) -> None:
    """The set tab's components and events (call inside ``gr.Blocks``)."""
    state = gr.State(None)
    with gr.Row():
        with gr.Column(scale=3, min_width=280):
            text = gr.Textbox(
                label="Paste an OKR set", lines=10, max_lines=30, placeholder=EXAMPLE_SET, elem_id="set-input"
            )
            run = gr.Button("Review set", variant="primary", elem_id="set-run")
        with gr.Column(scale=2, min_width=280):
            score = gr.Markdown(elem_id="set-score")
    findings = gr.Markdown(elem_id="set-findings")
    table = gr.Dataframe(
        headers=H.SET_TABLE_COLUMNS,
        wrap=True,
        interactive=False,
        elem_id="set-table",
        column_widths=["80px", "80px", "320px", "260px", "120px"],
    )
    with gr.Row():
        with gr.Column(scale=2, min_width=260):
            kr = gr.Dropdown(label="Key result", choices=[], elem_id="set-kr")
            action = gr.Radio(H.SET_ACTIONS, value=H.SET_ACTIONS[0], label="Change", elem_id="set-action")
            slot = gr.Radio(["baseline", "target", "deadline"], value="target", label="Slot", elem_id="set-slot")
            value = gr.Textbox(
                label="Value, new wording, or alternative number", lines=1, elem_id="set-value", max_lines=3
            )
            apply = gr.Button("Apply", elem_id="set-apply")
            message = gr.Markdown(elem_id="set-message")
        with gr.Column(scale=3, min_width=280):
            checklist = gr.Markdown(elem_id="set-checklist")
    preview = gr.Markdown(elem_id="set-preview")
    files = gr.File(label="Download the set", file_count="multiple", elem_id="set-files")

    def views(review: Any, chosen: str | None = None) -> tuple[Any, ...]:
        ids = H.set_kr_ids(review)
        pick = chosen if chosen in ids else (ids[0] if ids else None)
        return (
            H.set_score_markdown(review),
            H.findings_markdown(review),
            H.set_table(review),
            gr.update(choices=ids, value=pick),
            H.checklist_markdown(review, pick),
            H.okrset_markdown(review),
            H.set_files(review),
        )

    outputs = [score, findings, table, kr, checklist, preview, files]

    def review_set(text: str, progress: gr.Progress = gr.Progress()):  # noqa: B008
        progress(0, desc="Reviewing")
        review, problem = H.run_set(service, text, lambda n, t: progress((n, t), desc="Reviewing", unit="KRs"))
        if review is None:
            return None, problem, "", "", None, gr.update(choices=[], value=None), "", "", None
        return review, "", *views(review)

    def edit(review: Any, action_: str, kr_id: str | None, slot_: str, value_: str):  # type: ignore[no-untyped-def]
        new, note = H.apply_set_edit(service, review, action_, kr_id, slot_, value_)
        if new is None:
            return None, note, *([gr.skip()] * len(outputs))
        return new, note, *views(new, kr_id)

    run.click(review_set, [text], [state, message, *outputs], api_name="review_set")
    apply.click(edit, [state, action, kr, slot, value], [state, message, *outputs], api_visibility="private")
    kr.change(
        lambda r, k: H.checklist_markdown(r, k) if r else "",
        [state, kr],
        [checklist],
        queue=False,
        api_visibility="private",
    )
