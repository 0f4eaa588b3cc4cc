"""The outcome-metric catalogue: validated on load, referentially whole, and clean of activity counts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.errors import KnowledgeError
from assistant.knowledge import Knowledge, load_knowledge
from assistant.policy import is_activity_count

CARD = "- {id: G01, title: A title, summary: A summary long enough, body: " + "b" * 50 + "}\n"
GOOD = (
    "{id: %s, name: '%s', definition: Share of new accounts doing the key action in week one., unit: '%%', "
    "polarity: up, horizon: %s, leading: [%s], source: product analytics, moved_by: [onboarding], "
    "functions: [product]}"
)


def _entry(id_: str, name: str = "activation rate", horizon: str = "quarter", leading: str = "") -> str:
    return GOOD % (id_, name, horizon, leading)


def _aka(id_: str, alias: str) -> str:
    return _entry(id_).replace("name:", f"aliases: [{alias}], name:")


def _kdir(tmp_path: Path, *entries: str) -> Path:
    (tmp_path / "metrics").mkdir(parents=True, exist_ok=True)
    (tmp_path / "guidance.yaml").write_text(CARD)
    (tmp_path / "metrics" / "m.yaml").write_text("function: product\nmetrics:\n" + "".join(f"- {e}\n" for e in entries))
    return tmp_path


def test_catalogue_size_and_breadth(knowledge: Knowledge) -> None:
    metrics = knowledge.metrics
    assert len(metrics) >= 300
    per_function = Counter(f for m in metrics for f in m.functions)
    assert len(per_function) >= 15 and min(per_function.values()) >= 10, per_function
    polarity = Counter(m.polarity for m in metrics)
    assert polarity["down"] >= 50 and polarity["within"] >= 5
    assert sum(m.scope == "external" for m in metrics) >= 10


def test_no_name_or_alias_is_an_activity_count_or_holds_a_number(knowledge: Knowledge) -> None:
    for m in knowledge.metrics:
        for label in (m.name, *m.aliases):
            assert not is_activity_count(label), (m.id, label)
            assert not re.search(r"(?<![A-Za-z])\d", label), (m.id, label)


def test_references_resolve_and_leading_metrics_are_faster(knowledge: Knowledge) -> None:
    cat = knowledge.catalogue
    order = {"weeks": 0, "quarter": 1, "year": 2}
    for m in knowledge.metrics:
        for ref in m.leading:
            assert order[cat[ref].horizon] <= order[m.horizon], (m.id, ref)
        if m.scope == "external":
            assert cat[m.owned_slice or ""].scope == "team", m.id
        if m.horizon == "year" and m.leading:
            assert any(cat[r].horizon != "year" for r in m.leading), m.id


def test_every_shipped_example_uses_the_catalogue(knowledge: Knowledge) -> None:
    cat = knowledge.catalogue
    assert len(knowledge.examples) >= 400
    for e in knowledge.examples:
        assert e.metric_id in cat, e.id
        if e.proxy_id:
            assert cat[e.proxy_id].horizon != "year", e.id
    styles = Counter(e.style for e in knowledge.examples if e.style)
    assert sum(styles.values()) >= 150 and len(styles) >= 8, styles


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_entry("a", leading="nope")], "refers to unknown metric id 'nope'"),
        ([_entry("a", "posts published")], "reads like a count of the team's own work"),
        ([_entry("a", "number of demos")], "reads like a count of the team's own work"),
        ([_entry("a", "activation within 7 days")], "holds a number"),
        ([_entry("a", horizon="weeks", leading="b"), _entry("b", "retention", "year")], "slower than the metric"),
        ([_entry("a"), _entry("b")], "repeats the name or alias of 'a'"),
        ([_aka("a", "setup success"), _entry("b", "setup success")], "alias of 'a'"),
        ([_aka("a", "posts published")], "reads like a count of the team's own work"),
        ([_aka("a", "activation in 7 days")], "holds a number"),
        ([_entry("a"), _entry("a", "other")], "duplicate knowledge id 'a'"),
        (
            [
                "{id: a, name: market share, definition: Our share of category revenue., unit: '%', polarity: up, "
                "horizon: year, scope: external, source: analyst reports, moved_by: [pricing], functions: [growth]}"
            ],
            "needs an 'owned_slice'",
        ),
        ([_entry("a").replace("polarity: up", "polarity: sideways")], "field 'polarity'"),
        ([_entry("a").replace("functions: [product]", "functions: [astrology]")], "field 'functions.0'"),
    ],
)
def test_bad_catalogue_entry_names_file_entry_and_field(tmp_path: Path, entries: list[str], message: str) -> None:
    with pytest.raises(KnowledgeError, match=re.escape(message)) as err:
        load_knowledge(_kdir(tmp_path, *entries))
    assert "m.yaml" in str(err.value)


def test_team_metrics_file_joins_the_catalogue(tmp_path: Path) -> None:
    kdir = _kdir(tmp_path / "k", _entry("activation"))
    team = tmp_path / "metrics.yaml"
    team.write_text("function: product\nmetrics:\n- " + _entry("team-setup", "setup success", "weeks") + "\n")
    k = load_knowledge(kdir, extra_metrics=team)
    assert set(k.catalogue) == {"activation", "team-setup"}
    before = k.fingerprint
    team.write_text(team.read_text().replace("setup success", "setup success rate"))
    assert load_knowledge(kdir, extra_metrics=team).fingerprint != before  # the index rebuilds
