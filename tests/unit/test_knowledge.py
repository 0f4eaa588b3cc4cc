from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.knowledge import Knowledge, load_knowledge, save_team_example
from assistant.retrieval import build_index
from assistant.schemas import WorkedExample
from assistant.settings import REPO_ROOT, Settings

TOPICS = [
    "classification",
    "proxy",
    "controllability",
    "measurability",
    "okr",
    "initiative",
    "hypothesis",
    "indicators",
    "exception",
    "trap",
    "core",
]


def test_knowledge_size_and_coverage(knowledge: Knowledge) -> None:
    assert len(knowledge.guidance) >= 20
    assert len(knowledge.examples) >= 150
    assert len({e.domain for e in knowledge.examples}) >= 10
    tags = {t for g in knowledge.guidance for t in g.tags}
    assert set(TOPICS) <= tags
    kinds = [e.kind for e in knowledge.examples]
    assert 0.4 < kinds.count("output") / len(kinds) < 0.6
    assert sum(not e.team_controls for e in knowledge.examples) >= 10
    assert sum(e.needs_proxy for e in knowledge.examples) >= 10


def _write(tmp_path: Path, guidance: str, examples: str | None = None) -> Path:
    (tmp_path / "examples").mkdir(parents=True, exist_ok=True)
    (tmp_path / "guidance.yaml").write_text(guidance)
    if examples is not None:
        (tmp_path / "examples" / "x.yaml").write_text(examples)
    return tmp_path


CARD = "- {id: G01, title: A title, summary: A summary long enough, body: " + "b" * 50 + "}\n"


def test_broken_card_names_file_and_field(tmp_path: Path) -> None:
    kdir = _write(tmp_path, "- {id: X1, title: T, summary: short, body: b}\n")
    with pytest.raises(KnowledgeError, match=r"guidance.yaml: card #1 \(X1\): field 'id'"):
        load_knowledge(kdir)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    kdir = _write(tmp_path, "- id: [unclosed\n")
    with pytest.raises(KnowledgeError, match="not valid YAML"):
        load_knowledge(kdir)


@pytest.mark.parametrize(
    ("example", "message"),
    [
        ("{id: ab-001, goal: Launch it now, kind: output, metric: mm, why: because}", "needs an 'initiative'"),
        ("{id: ab-001, goal: Launch it now, kind: output, initiative: i, why: because}", "needs 'metric_id'"),
        (
            "{id: ab-001, goal: Grow it a lot, kind: outcome, metric: mm, needs_proxy: true, why: because}",
            "needs a 'proxy_id'",
        ),
        (
            "{id: ab-001, goal: Grow the market, kind: outcome, metric: mm, team_controls: false, why: because}",
            "needs a 'reframe_id'",
        ),
        (
            "{id: ab-001, goal: Grow it, kind: outcome, metric_id: no-such-metric, why: because}",
            "field 'metric_id': unknown metric 'no-such-metric'",
        ),
        (
            "{id: ab-001, goal: Launch it now, kind: output, metric: mm, initiative: i, why: because, "
            "rewrite: 'Raise mm from 10% to [target] by [deadline]'}",
            "numbers not in the goal",
        ),
        ("{id: ab-001, goal: Launch it now, kind: maybe, metric: mm, why: because}", "field 'kind'"),
        ("{id: ab-001, goal: Launch it now, kind: output, metric: mm, why: because, colour: red}", "field 'colour'"),
    ],
)
def test_bad_example_is_rejected(tmp_path: Path, example: str, message: str) -> None:
    kdir = _write(tmp_path, CARD, f"domain: test\nexamples:\n- {example}\n")
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        load_knowledge(kdir)


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    ex = "{id: ab-001, goal: Grow revenue, kind: outcome, metric: revenue, why: because}"
    kdir = _write(tmp_path, CARD, f"domain: tt\nexamples:\n- {ex}\n- {ex}\n")
    with pytest.raises(KnowledgeError, match=r"duplicate knowledge id 'ab-001' \(in x.yaml and x.yaml\)"):
        load_knowledge(kdir)


def test_team_example_is_saved_loaded_and_indexed(
    settings: Settings, fake_embeddings: object, small_knowledge_dir: Path
) -> None:
    ex = WorkedExample(
        id="team-001",
        domain="team",
        goal="Ship the partner dashboard",
        kind="output",
        metric="partner-sourced deals",
        rewrite="Raise partner-sourced deals from [baseline] to [target] by [deadline]",
        initiative="Ship the partner dashboard",
        why="A delivery.",
    )
    before = load_knowledge(small_knowledge_dir, settings.team_examples_path)
    save_team_example(ex, settings.team_examples_path)
    with pytest.raises(KnowledgeError, match="already exists"):
        save_team_example(ex, settings.team_examples_path)
    after = load_knowledge(small_knowledge_dir, settings.team_examples_path)
    assert len(after.examples) == len(before.examples) + 1
    assert after.fingerprint != before.fingerprint
    index = build_index(settings, after, fake_embeddings)  # type: ignore[arg-type]
    assert index.rebuilt
    assert "team-001" in index.retrieve("Ship the partner dashboard", 0, 3).ids


def test_index_is_reused_until_knowledge_changes(
    settings: Settings, small_knowledge: Knowledge, fake_embeddings: object
) -> None:
    first = build_index(settings, small_knowledge, fake_embeddings)  # type: ignore[arg-type]
    second = build_index(settings, small_knowledge, fake_embeddings)  # type: ignore[arg-type]
    assert first.rebuilt and not second.rebuilt
    assert first.collection_name == second.collection_name
    r = second.retrieve("Launch the new onboarding flow", 2, 5)
    assert len(r.guidance) == 2 and len(r.examples) == 5
    assert all(g.id.startswith("G") for g in r.guidance)


def test_knowledge_is_in_our_own_words(knowledge: Knowledge) -> None:
    """No 10-word run of the seed articles appears in knowledge/."""
    seeds = REPO_ROOT.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("seed articles not present")

    def runs(text: str) -> set[str]:
        words = re.findall(r"[a-z0-9']+", text.lower())
        return {" ".join(words[i : i + 10]) for i in range(len(words) - 9)}

    seed_runs = set().union(*(runs(p.read_text(errors="ignore")) for p in seeds.glob("*.txt")))
    for path in (REPO_ROOT / "knowledge").rglob("*.yaml"):
        assert not runs(path.read_text()) & seed_runs, path
