"""Roadmap tab: paste or upload, review every item, summary + chart + coloured table + downloads."""

from __future__ import annotations

import gradio as gr

from .. import handlers as H
from ..columns import TABLE_WIDTHS

EXAMPLE_ROADMAP = """Objective: Make new users successful fast
- KR1: Launch the redesigned onboarding flow
- KR2: Raise activation from 45% to 62% by Q3
- KR3: Publish 10 help videos

Objective: Be the team customers trust
- KR1: Pass the SOC 2 audit
- KR2: Improve industry NPS
"""
NO_GOALS = "**No goals found.** Paste one goal per line, Markdown bullets, an OKR set, or upload CSV/XLSX."


def build(service: H.AppService) -> None:
    """The roadmap tab's components and its one event (call inside ``gr.Blocks``)."""
    with gr.Row():
        with gr.Column(scale=3, min_width=280):
            text = gr.Textbox(
                label="Paste a roadmap or OKR set",
                lines=10,
                max_lines=30,
                placeholder=EXAMPLE_ROADMAP,
                elem_id="roadmap-input",
            )
        with gr.Column(scale=2, min_width=280):
            upload = gr.File(
                label="...or upload CSV / XLSX / Markdown / text (every sheet with a goal column is read)",
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
    chart = gr.BarPlot(
        x="category",
        y="count",
        title="Summary",
        height=260,
        elem_id="roadmap-chart",
        sort=H.CHART_LABELS,  # the summary's order, not the alphabet
        x_label_angle=-40,
        x_title=" ",
        y_title="goals",
    )
    table = gr.Dataframe(
        headers=H.TABLE_COLUMNS,
        wrap=True,
        interactive=False,
        elem_id="roadmap-table",
        max_height=1600,
        column_widths=TABLE_WIDTHS,
    )
    notes = gr.Markdown()
    files = gr.File(label="Download", file_count="multiple", elem_id="roadmap-files")

    def roadmap(text: str, upload: str | None, progress: gr.Progress = gr.Progress()):  # noqa: B008
        progress(0, desc="Parsing")
        rows, skipped, folder = H.run_roadmap(
            service, text, upload, progress=lambda n, t: progress((n, t), desc="Reviewing", unit="goals")
        )
        if not rows:
            return (f"**Not reviewed:** {skipped[0]}" if skipped else NO_GOALS), None, None, "", None
        downloads = [str(folder / f"roadmap_review.{ext}") for ext in ("csv", "json", "md")]
        return (
            H.summary_markdown(rows),
            H.summary_chart(rows),
            H.styled_table(rows),
            "\n".join(f"- {n}" for n in skipped),
            downloads,
        )

    run.click(roadmap, [text, upload], [summary, chart, table, notes, files], api_name="roadmap")
