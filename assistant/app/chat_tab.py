"""Coach chat tab: a queue-backed chat. Messages sent while the coach works wait, visibly, and are answered in order."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gradio as gr

from .. import handlers as H

EXAMPLE_GOALS = [
    "Launch the new onboarding flow",
    "Publish 12 blog posts this quarter",
    "Improve industry NPS from 30 to 50",
    "Increase 12-month retention of SaaS customers",
    "Objective: Make new users successful fast\n- KR1: Ship the product tour\n- KR2: Raise activation from 45% "
    "to 62% by Q3",
]
INPUT_LABEL = "Your goal, OKR set or follow-up"


def build(service: H.AppService) -> None:
    """The chat tab's components and events (call inside ``gr.Blocks``)."""
    chatbot = gr.Chatbot(
        label="Coach",
        height=560,
        elem_id="chatbot",
        placeholder="Paste a key result or a whole OKR set to get a review.",
    )
    session = gr.State(H.ChatSession())  # copied per browser session
    with gr.Row(elem_id="chat-row"):
        box = gr.Textbox(
            label=INPUT_LABEL,
            placeholder="e.g. Launch the new onboarding flow - or ask a follow-up",
            lines=1,  # Enter sends; Shift+Enter adds a line (the box grows up to max_lines)
            max_lines=12,
            scale=8,
            elem_id="chat-input",
        )
        send = gr.Button("Send", variant="primary", scale=1, elem_id="chat-send")
    status = gr.Markdown(H.status_markdown(H.ChatSession()), elem_id="chat-status")
    with gr.Row():
        clear = gr.Button("New conversation", size="sm", elem_id="chat-clear")
    gr.Examples(EXAMPLE_GOALS, inputs=box, label="Try")

    def enqueue(state: H.ChatSession, message: str) -> tuple[str, str]:
        return "", H.submit(state, message)

    def answer(state: H.ChatSession) -> Iterator[tuple[Any, Any]]:
        produced = False
        for history, line in H.drain(service, state):
            produced = True
            yield history, line
        if not produced:  # another run of this session answers it: leave the chat as it is
            yield gr.skip(), H.status_markdown(state)

    def chat(message: str) -> str:
        """Ask the coach about one goal or a pasted OKR set; returns the review as Markdown.

        Args:
            message: a key result, a roadmap item, or a whole OKR set.
        Returns:
            The coach's reviews in Markdown.
        """
        return H.answer_once(service, message)

    for trigger in (send.click, box.submit):
        trigger(
            enqueue,
            [session, box],
            [box, status],
            queue=False,  # at once, even while an answer is running
            trigger_mode="multiple",  # never ignore a send (the default "once" dropped messages sent while busy)
            show_progress="hidden",
            api_visibility="private",
        ).then(
            answer,
            [session],
            [chatbot, status],
            trigger_mode="multiple",
            show_progress="minimal",
            show_progress_on=chatbot,  # the status line stays readable while an answer runs
            api_visibility="private",
        )
    clear.click(H.reset, [session], [chatbot, status], queue=False, api_visibility="private")
    gr.api(chat, api_name="chat")
