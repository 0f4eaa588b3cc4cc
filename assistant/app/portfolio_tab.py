"""Portfolio tab: several OKR sets -> per team and quarter, outputs share, average score, gaps, chart and trend."""

from __future__ import annotations

from typing import Any

import gradio as gr

from .. import handlers as H

EXAMPLE_PORTFOLIO = """Set: growth 2025-Q1
Objective: Make new users successful fast
- KR1: Launch the redesigned onboarding flow
- KR2: Publish 10 help videos
- KR3: Raise activation from 45% to 62% by Q1

Set: growth 2025-Q2
Objective: Make new users successful fast
- KR1: Raise activation from 52% to 62% by Q2
- KR2: Cut time to first value from 5 days to 2 days by Q2
"""


def build(service: H.AppService) -> None:
    """The portfolio tab's components and its one event (call inside ``gr.Blocks``)."""
    with gr.Row():
        with gr.Column(scale=3, min_width=280):
            text = gr.Textbox(
                label="Paste several sets, each under a 'Set: team quarter' line",
                lines=10,
                max_lines=40,
                placeholder=EXAMPLE_PORTFOLIO,
                elem_id="portfolio-input",
            )
        with gr.Column(scale=2, min_width=280):
            uploads = gr.File(
                label="...or upload one file per set (growth-2025Q1.csv), or one CSV/XLSX with team and quarter "
                "columns (files okr roadmap --out wrote need no model)",
                file_count="multiple",
                file_types=[".csv", ".xlsx", ".md", ".txt", ".jsonl", ".json"],
                type="filepath",
                elem_id="portfolio-files",
            )
            run = gr.Button("Build portfolio", variant="primary", elem_id="portfolio-run")
    trend = gr.Markdown(elem_id="portfolio-trend")
    with gr.Row():
        outputs_chart = _bar("outputs %", "Outputs among key results (%)", "portfolio-outputs")
        score_chart = _bar("average score", "Average score (0-100)", "portfolio-score")
    table = gr.Dataframe(
        headers=H.PORTFOLIO_COLUMNS,
        wrap=True,
        interactive=False,
        elem_id="portfolio-table",
        column_widths=["110px", "90px", "80px", "100px", "90px", "100px", "80px"],  # a phone scrolls sideways
    )
    notes = gr.Markdown(elem_id="portfolio-notes")

    def build_portfolio(text_: str, files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        progress(0, desc="Reviewing")
        table_, notes_ = H.run_portfolio(
            service, text_, files, lambda n, t: progress((n, t), desc="Reviewing", unit="KRs")
        )
        listed = "\n".join(f"- {n}" for n in notes_)
        if not table_:
            return (listed or H.NO_PORTFOLIO), None, None, None, ""
        chart = H.portfolio_chart(table_)
        return H.portfolio_trend(table_), chart, chart, H.portfolio_frame(table_), listed

    run.click(
        build_portfolio,
        [text, uploads],
        [trend, outputs_chart, score_chart, table, notes],
        api_name="portfolio",
    )


def _bar(y: str, title: str, elem_id: str) -> gr.BarPlot:
    """One bar per set, coloured by team, on a 0-100 scale; angled labels stay legible at 390 px."""
    return gr.BarPlot(
        x="set",
        y=y,
        color="team",
        title=title,
        height=240,
        x_label_angle=-40,
        x_title=" ",
        y_lim=[0, 100],
        elem_id=elem_id,
        min_width=280,
    )
