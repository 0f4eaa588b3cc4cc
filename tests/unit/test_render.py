"""Plain language: reasons speak to the user, ids only in the sources block, boilerplate once per set."""

from __future__ import annotations

import re

from assistant import handlers as H
from assistant.render import CONTROLS_BOILERPLATE, review_markdown, set_summary, sources_markdown
from assistant.schemas import Review

IDS = re.compile(r"\b(?:G\d{2}|[a-z]{2,8}-\d{3,})\b")
NOT_ENGLISH = "This goal does not look like English; check this review with extra care."


def review(goal: str, controls: bool = True, notes: list[str] | None = None) -> Review:
    return Review(
        goal=goal,
        kind="output",
        rationale="This is an output: it describes something the team ships or does.",
        sources=["G01", "prod-001"],
        metric="activation rate of new sign-ups",
        team_controls=controls,
        control_reason=CONTROLS_BOILERPLATE if controls else "As written, this depends on forces outside the team.",
        notes=notes or [],
    )


def test_boilerplate_appears_once_per_set() -> None:
    reviews = [review(f"Launch thing {n}", notes=[NOT_ENGLISH]) for n in "ABC"] + [review("Grow NPS", False)]
    labels = ["KR1", "KR2", "KR3", "KR4"]
    shared = {NOT_ENGLISH}
    text = (
        "\n".join(
            review_markdown(r, with_sources=False, label=lab, in_set=True, skip_notes=shared)
            for r, lab in zip(reviews, labels, strict=True)
        )
        + "\n"
        + set_summary(reviews, labels)
    )
    assert text.count("through its own work") == 1 and text.count(NOT_ENGLISH) == 1
    assert "KR4 depends on forces outside the team" in text
    assert "**KR1** · 🟠 **OUTPUT**" in text


def test_a_single_review_still_says_it_in_full() -> None:
    text = review_markdown(review("Launch the flow"), with_sources=False)
    assert CONTROLS_BOILERPLATE in text


def test_no_bare_ids_in_the_prose_sources_keep_their_titles() -> None:
    r = review("Launch the flow")
    prose = review_markdown(r, with_sources=False)
    assert not IDS.search(prose)
    block = sources_markdown(r.sources, {"G01": "**Output or outcome**", "prod-001": "worked example: *Launch x*"})
    assert block.splitlines() == ["- **Output or outcome** (G01)", "- worked example: *Launch x* (prod-001)"]


def test_chat_reviews_keep_ids_out_of_the_prose(tmp_path: object, small_knowledge: object) -> None:
    from langchain_core.embeddings import DeterministicFakeEmbedding

    from assistant.chain import ReviewChain
    from assistant.retrieval import build_index
    from assistant.settings import Settings
    from tests.fakes import FakeToolModel

    s = Settings(cache_dir=tmp_path, chroma_dir=tmp_path / "c", team_examples_file=tmp_path / "t.yaml")  # type: ignore[operator]
    index = build_index(s, small_knowledge, DeterministicFakeEmbedding(size=64))  # type: ignore[arg-type]
    chain = ReviewChain(FakeToolModel(), index, s, model_label="fake")
    service = H.AppService(settings=s, factory=lambda _: chain, model_label="fake")
    text = "Objective: Grow\n- KR1: Launch A\n- KR2: Ship B\n- KR3: Publish 3 posts"
    history, _ = list(H.chat_respond(service, text, [], None))[-1]
    prose = [m["content"] for m in history if m["role"] == "assistant" and "metadata" not in m]
    sources = [m["content"] for m in history if "metadata" in m]
    assert prose and sources and all(not IDS.search(p) for p in prose)
    assert all(IDS.search(s) and "**" in s for s in sources)
    assert sum(p.count(CONTROLS_BOILERPLATE) + p.count("through its own work") for p in prose) == 1
