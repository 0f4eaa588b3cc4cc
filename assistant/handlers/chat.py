"""The Coach chat tab: reviews of pasted goals, follow-ups applied by ``assistant.coach``, and a message queue.

Every message is answered, in the order it was sent: a message sent while the coach is busy waits in the
session's inbox (shown under the input) and is taken up as soon as the one before it is answered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import coach
from ..errors import OutcomeLensError
from ..render import kr_score_markdown, review_markdown, set_summary, shared_notes, sources_markdown
from ..roadmap import ParsedRoadmap, parse_roadmap
from ..schemas import GoalItem, Review, ReviewRow
from ..scoring import row_checklist
from .service import AppService

Message = dict[str, Any]
ChatState = coach.Conversation  # what the chat remembers between turns (the earlier name)
FOLLOW_UP_HINT = (
    "Ask a follow-up: *our baseline is 40% and the target 55% by Q3*, *make it more ambitious*, "
    "*what could the proxy be?*, *we can't control this, what now?*, *why?*, *another metric*."
)
SET_HINT = (
    "Ask about one key result by its label or words: *make KR1 more ambitious*, *the second one: target 60% by Q4*, "
    'or quote part of it (*"product tour": what could the proxy be?*).'
)
NO_GOAL = "I found no goal in that message. Paste a key result, e.g. *Launch the new onboarding flow*."
_LOCK = threading.Lock()  # guards every session's inbox and busy flag (tiny critical sections)


def _msg(role: str, content: str, title: str | None = None) -> Message:
    m: Message = {"role": role, "content": content}
    if title:
        m["metadata"] = {"title": title, "status": "done"}
    return m


def _review_goals(
    service: AppService, text: str, history: list[Message], conv: coach.Conversation
) -> Iterator[tuple[list[Message], coach.Conversation]]:
    """Review a pasted goal or set: progress first, then each review with its sources, then one set summary."""
    parsed = parse_roadmap(text) if "\n" in text else ParsedRoadmap(items=[GoalItem(text=text)])
    if not parsed.items:
        history.append(_msg("assistant", NO_GOAL))
        yield history, conv
        return
    labels = coach.labels_for(parsed, text) if len(parsed.items) > 1 else ["KR1"]
    titles = service.source_titles()
    done: list[tuple[Review, str]] = []
    several = len(parsed.items) > 1
    for n, (item, label) in enumerate(zip(parsed.items, labels, strict=True), 1):
        where = f" {label} ({n} of {len(parsed.items)})" if several else ""
        history.append(_msg("assistant", f"Reviewing{where}: *{item.text}* ..."))
        yield history, conv
        try:
            review = service.chain.review(item)
        except OutcomeLensError as exc:
            history[-1] = _msg("assistant", f"**Could not review** *{item.text[:120]}*: {exc}")
            yield history, conv
            continue
        done.append((review, label))
        shared = set(shared_notes([r for r, _ in done])) if several else set()
        text = review_markdown(
            review, with_sources=False, label=label if several else None, in_set=several, skip_notes=shared
        )
        history[-1] = _msg("assistant", text)
        used = f"Guidance and examples used ({len(review.sources)})"
        history.append(_msg("assistant", sources_markdown(review.sources, titles), title=used))
        yield history, conv
    if not done:
        return
    conv = coach.start([r for r, _ in done], [lab for _, lab in done])
    if len(done) > 1:
        scored = set_score_markdown(service, [r for r, _ in done])
        history.append(_msg("assistant", "\n\n".join([set_summary(conv.reviews, conv.labels), scored, SET_HINT])))
    else:
        row = ReviewRow.from_review(done[0][0])
        score = kr_score_markdown(row_checklist(row)) if row.score is not None else ""
        history.append(_msg("assistant", f"{score}\n\n{FOLLOW_UP_HINT}" if score else FOLLOW_UP_HINT))
    yield history, conv


def set_score_markdown(service: AppService, reviews: list[Review]) -> str:
    """A pasted set's score and set-level findings, said once under the set (the OKR set tab has the editor)."""
    from ..api import set_review_of
    from .okrset import findings_markdown, score_markdown

    review = set_review_of(service.chain, [ReviewRow.from_review(r) for r in reviews])
    return (
        f"{score_markdown(review)}\n\n{findings_markdown(review)}\n\n*Rows are the key results in the order pasted; "
        "edit the rewritten set in the OKR set tab.*"
    )


def chat_respond(
    service: AppService, message: str, history: list[Message] | None, state: coach.Conversation | None
) -> Iterator[tuple[list[Message], coach.Conversation]]:
    """Answer one message: review a new goal or set, or apply a follow-up to the reviews in the conversation."""
    history = list(history or [])
    conv = state or coach.Conversation()
    message = (message or "").strip()
    if not message:
        yield history, conv
        return
    history.append(_msg("user", message))
    if not conv.reviews:
        yield from _review_goals(service, message, history, conv)
        return
    history.append(_msg("assistant", "Thinking ..."))
    yield history, conv
    try:
        turn = coach.step(message, conv, service.chain.knowledge.catalogue, service.classifier, service.wording)
    except OutcomeLensError as exc:  # a failure answers the message; it never swallows it
        history[-1] = _msg("assistant", f"I could not work on that: {exc}")
        yield history, conv
        return
    if turn.operation.kind == "new_goal":
        history.pop()
        yield from _review_goals(service, turn.operation.text or message, history, coach.Conversation())
        return
    history[-1] = _msg("assistant", turn.reply)
    yield history, turn.conversation


# ------------------------------------------------------------------------------------------ the queue


@dataclass
class ChatSession:
    """One browser session's chat: the transcript, the coach's memory, and messages waiting their turn."""

    history: list[Message] = field(default_factory=list)
    conversation: coach.Conversation = field(default_factory=coach.Conversation)
    inbox: list[str] = field(default_factory=list)
    busy: bool = False
    current: str | None = None
    generation: int = 0  # bumped by "New conversation": an answer still running is then dropped


def _short(text: str, n: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= n else line[: n - 1] + "…"


def status_markdown(session: ChatSession) -> str:
    """What the input line says: ready, working on a message, and every message waiting, in order."""
    if not session.busy and not session.inbox:
        return "Ready. **Enter** sends · **Shift+Enter** adds a line."
    working = session.busy and session.current
    parts = [f"⏳ Answering: *{_short(session.current or '')}*" if working else "⏳ Waiting for the coach"]
    if session.inbox:
        waiting = " · ".join(f"{n}. *{_short(m, 40)}*" for n, m in enumerate(session.inbox, 1))
        parts.append(f"Queued, answered in order: {waiting}")
    return " — ".join(parts)


def submit(session: ChatSession, message: str | None) -> str:
    """Put a message in the session's inbox (at once, even while the coach is busy); returns the status line."""
    text = (message or "").strip()
    if text:
        with _LOCK:
            session.inbox.append(text)
    return status_markdown(session)


def drain(service: AppService, session: ChatSession) -> Iterator[tuple[list[Message], str]]:
    """Answer every waiting message in order, streaming. Yields nothing when another drain already runs."""
    with _LOCK:
        if session.busy or not session.inbox:
            return
        session.busy = True
    try:
        while True:
            with _LOCK:
                if not session.inbox:
                    session.busy, session.current = False, None
                    break
                message = session.inbox.pop(0)
                session.current = message
            generation = session.generation
            for history, conv in chat_respond(service, message, session.history, session.conversation):
                if session.generation != generation:
                    break
                session.history, session.conversation = history, conv
                yield session.history, status_markdown(session)
    finally:
        with _LOCK:
            session.busy, session.current = False, None
    yield session.history, status_markdown(session)


def reset(session: ChatSession) -> tuple[list[Message], str]:
    """'New conversation': forget the transcript, the reviews and anything still waiting."""
    with _LOCK:
        session.generation += 1
        session.history, session.conversation, session.inbox = [], coach.Conversation(), []
    return [], status_markdown(session)


def answer_once(service: AppService, message: str) -> str:
    """One message in a fresh conversation, answered to the end (the ``/chat`` API and MCP tool)."""
    history: list[Message] = []
    for step_history, _ in chat_respond(service, message, [], None):
        history = step_history
    return "\n\n".join(m["content"] for m in history if m["role"] == "assistant")
