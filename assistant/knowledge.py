"""Load and validate ``knowledge/``: guidance cards and worked examples, failing loudly per file and field."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import KnowledgeError
from .policy import instruction_like
from .schemas import GuidanceCard, MetricEntry, WorkedExample
from .storage import atomic_write_text, locked, set_aside
from .textutils import invented_numbers


@dataclass
class Knowledge:
    """Everything the retriever indexes, plus a fingerprint that changes when any file changes."""

    guidance: list[GuidanceCard]
    examples: list[WorkedExample]
    fingerprint: str
    files: list[Path] = field(default_factory=list)
    metrics: list[MetricEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # problems the user should hear about (e.g. a set-aside team file)

    def by_id(self) -> dict[str, GuidanceCard | WorkedExample | MetricEntry]:
        return {**{g.id: g for g in self.guidance}, **{e.id: e for e in self.examples}, **self.catalogue}

    @property
    def catalogue(self) -> dict[str, MetricEntry]:
        return {m.id: m for m in self.metrics}


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path}: not valid YAML: {exc}") from exc


def _describe(exc: ValidationError) -> str:
    return "; ".join(f"field '{'.'.join(map(str, e['loc'])) or '(item)'}': {e['msg']}" for e in exc.errors())


def load_guidance(path: Path) -> list[GuidanceCard]:
    data = _read_yaml(path)
    if not isinstance(data, list):
        raise KnowledgeError(f"{path}: expected a list of guidance cards")
    cards = []
    for i, item in enumerate(data):
        try:
            cards.append(GuidanceCard.model_validate(item))
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: card #{i + 1} ({_item_id(item)}): {_describe(exc)}") from exc
    return cards


def _item_id(item: object) -> str:
    return str(item.get("id", "no id")) if isinstance(item, dict) else "not a mapping"


def load_examples(path: Path) -> list[WorkedExample]:
    """One domain file: ``{domain: str, examples: [..]}``; the domain is copied into each example."""
    data = _read_yaml(path)
    if not isinstance(data, dict) or "examples" not in data or "domain" not in data:
        raise KnowledgeError(f"{path}: expected a mapping with 'domain' and 'examples'")
    out = []
    for i, item in enumerate(data["examples"] or []):
        if not isinstance(item, dict):
            raise KnowledgeError(f"{path}: example #{i + 1} is not a mapping")
        try:
            ex = WorkedExample.model_validate({"domain": data["domain"], **item})
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: example #{i + 1} ({_item_id(item)}): {_describe(exc)}") from exc
        check_numbers(ex, f"{path}: ")
        out.append(ex)
    return out


def load_metrics(path: Path) -> list[MetricEntry]:
    """One catalogue file: ``{function: str, metrics: [..]}``; errors name the file, the entry and the field."""
    data = _read_yaml(path)
    if not isinstance(data, dict) or "metrics" not in data:
        raise KnowledgeError(f"{path}: expected a mapping with 'function' and 'metrics'")
    out = []
    for i, item in enumerate(data["metrics"] or []):
        if not isinstance(item, dict):
            raise KnowledgeError(f"{path}: metric #{i + 1} is not a mapping")
        try:
            out.append(MetricEntry.model_validate(item))
        except ValidationError as exc:
            raise KnowledgeError(f"{path}: metric #{i + 1} ({_item_id(item)}): {_describe(exc)}") from exc
    return out


HORIZON_ORDER = {"weeks": 0, "quarter": 1, "year": 2}


def check_catalogue(metrics: list[MetricEntry], origin: dict[str, Path]) -> None:
    """Referential integrity: every ``leading`` and ``owned_slice`` id exists; names and aliases are unique."""
    by_id = {m.id: m for m in metrics}
    ids = by_id.keys()
    names: dict[str, str] = {}
    for m in metrics:
        where = origin.get(m.id, Path("?")).name
        for ref in [*m.leading, *([m.owned_slice] if m.owned_slice else [])]:
            if ref not in ids:
                raise KnowledgeError(f"{where}: metric '{m.id}' refers to unknown metric id '{ref}'")
        for label in (m.name, *m.aliases):
            key = label.lower()
            if names.get(key, m.id) != m.id:
                raise KnowledgeError(
                    f"{where}: metric '{m.id}' repeats the name or alias of '{names[key]}' ('{label}')"
                )
            names[key] = m.id
        if m.owned_slice and by_id[m.owned_slice].scope != "team":
            raise KnowledgeError(f"{where}: metric '{m.id}': owned_slice '{m.owned_slice}' must have scope 'team'")
        slow = [ref for ref in m.leading if HORIZON_ORDER[by_id[ref].horizon] > HORIZON_ORDER[m.horizon]]
        if slow:
            raise KnowledgeError(f"{where}: metric '{m.id}': leading {slow} are slower than the metric they predict")
        if m.horizon == "year" and m.leading and all(by_id[r].horizon == "year" for r in m.leading):
            raise KnowledgeError(f"{where}: metric '{m.id}' is yearly; give at least one leading metric that is faster")


def check_numbers(ex: WorkedExample, where: str = "") -> None:
    """Our own examples must obey the product's rule: no number in a rewrite that the goal lacks."""
    for fname in ("rewrite", "proxy", "reframe"):
        bad = invented_numbers(getattr(ex, fname), ex.goal)
        if bad:
            raise KnowledgeError(
                f"{where}example {ex.id}: field '{fname}' has numbers not in the goal ({', '.join(bad)}); "
                "use [baseline]/[target]/[deadline] placeholders or words"
            )


def _collect(paths: list[Path], load: Any, origin: dict[str, Path], files: list[Path]) -> list[Any]:
    """Load each file's items, recording where every id came from; an id seen twice names both files."""
    items = []
    for path in paths:
        files.append(path)
        for item in load(path):
            if item.id in origin:
                raise KnowledgeError(f"duplicate knowledge id '{item.id}' (in {origin[item.id].name} and {path.name})")
            origin[item.id] = path
            items.append(item)
    return items


def load_knowledge(
    knowledge_dir: Path, extra_examples: Path | None = None, extra_metrics: Path | None = None
) -> Knowledge:
    """Load every file under ``knowledge_dir`` plus the team's own examples and metrics files, if given.

    Ids are unique across everything; the team's metrics join the catalogue and may be referenced by
    any example, and may refer to catalogue ids themselves.
    """
    guidance_path = knowledge_dir / "guidance.yaml"
    if not guidance_path.exists():
        raise KnowledgeError(f"{guidance_path}: missing; the knowledge folder needs guidance.yaml")
    files = [guidance_path]
    guidance = load_guidance(guidance_path)
    origin: dict[str, Path] = {g.id: guidance_path for g in guidance}
    example_files = sorted((knowledge_dir / "examples").glob("*.yaml"))
    examples = _collect(example_files, load_examples, origin, files)
    metric_files = sorted((knowledge_dir / "metrics").glob("*.yaml"))
    if extra_metrics and extra_metrics.exists() and extra_metrics not in metric_files:
        metric_files.append(extra_metrics)
    metrics = _collect(metric_files, load_metrics, origin, files)
    check_catalogue(metrics, origin)
    known = {m.id for m in metrics}
    team: list[WorkedExample] = []
    notes: list[str] = []
    if extra_examples and extra_examples not in example_files:
        team, notes = load_team_examples(extra_examples, set(origin), known)
        origin.update({ex.id: extra_examples for ex in team})
        examples.extend(team)
    for ex in examples:
        for fname in ("metric_id", "proxy_id", "reframe_id"):
            ref = getattr(ex, fname)
            if ref and ref not in known:
                raise KnowledgeError(f"{origin[ex.id].name}: example {ex.id}: field '{fname}': unknown metric '{ref}'")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(repr([ex.model_dump() for ex in team]).encode())  # as loaded: the file may have changed since
    return Knowledge(
        guidance=guidance,
        examples=examples,
        fingerprint=digest.hexdigest()[:16],
        files=files,
        metrics=metrics,
        notes=notes,
    )


# ------------------------------------------------------------------------------------- team examples
# The team file is written by the app while other processes read it; it must never stop the product.

TEAM_HINT = "set OKR_TEAM_EXAMPLES_FILE to a file in a writable folder"
_TEAM_ID = re.compile(r"team-(\d+)")


def _goal_key(text: str) -> str:
    """Case- and space-insensitive form of a goal, for spotting exact duplicates."""
    return " ".join(text.split()).casefold()


def next_team_id(taken: Iterable[str]) -> str:
    """One past the highest team-N in use (never reuses a number; grows past team-999 to team-1000)."""
    numbers = [int(m.group(1)) for i in taken if (m := _TEAM_ID.fullmatch(i))]
    return f"team-{max(numbers, default=0) + 1:03d}"


def check_team_example(ex: WorkedExample, where: str = "") -> None:
    """A team example joins every later prompt: no invented numbers and nothing that talks to the model."""
    check_numbers(ex, where)
    for fname, value in ex.model_dump().items():
        if isinstance(value, str) and instruction_like(value):
            raise KnowledgeError(
                f"{where}example {ex.id}: field '{fname}' reads like an instruction to the assistant "
                f"({value[:60]!r}); describe the goal and its review in plain words instead"
            )


def _parse_team_file(path: Path) -> dict:
    if not path.exists():
        return {"domain": "team", "examples": []}
    try:
        data = yaml.safe_load(path.read_bytes().decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("examples") or [], list):
        raise KnowledgeError(f"{path}: expected a mapping with 'domain' and a list of 'examples'")
    return {"domain": data.get("domain") or "team", **data, "examples": data.get("examples") or []}


def read_team_file(path: Path) -> tuple[dict, list[str]]:
    """The parsed team file; one that does not parse is renamed to a timestamped .bak (kept) and reported."""
    try:
        return _parse_team_file(path), []
    except KnowledgeError:
        pass
    with locked(path, hint=TEAM_HINT):
        try:
            return _parse_team_file(path), []  # another process replaced it while we waited
        except KnowledgeError as exc:
            problem = str(exc)
        try:
            kept = f"set aside as {set_aside(path)} (kept, not deleted)"
        except OSError as exc:
            kept = f"left in place because it cannot be renamed ({exc.strerror})"
    note = (
        f"{problem}. Your team examples were {kept}; the app goes on without them. "
        "Fix that file and copy its examples back into the team file to use them again."
    )
    return {"domain": "team", "examples": []}, [note]


def load_team_examples(
    path: Path, taken: Iterable[str] = (), metric_ids: set[str] | None = None
) -> tuple[list[WorkedExample], list[str]]:
    """The team's examples plus notes; a bad file or example is skipped with a note, never fatal."""
    data, notes = read_team_file(path)
    out: list[WorkedExample] = []
    seen = set(taken)
    for i, item in enumerate(data["examples"]):
        where = f"{path}: example #{i + 1} ({_item_id(item)})"
        try:
            if not isinstance(item, dict):
                raise KnowledgeError(f"{where}: not a mapping")
            try:
                ex = WorkedExample.model_validate({"domain": data["domain"], **item})
            except ValidationError as exc:
                raise KnowledgeError(f"{where}: {_describe(exc)}") from exc
            check_team_example(ex, f"{path}: ")
            if ex.id in seen:
                raise KnowledgeError(f"{where}: duplicate knowledge id; give it an unused id")
            refs = [r for r in (ex.metric_id, ex.proxy_id, ex.reframe_id) if r]
            if metric_ids is not None and any(r not in metric_ids for r in refs):
                raise KnowledgeError(f"{where}: unknown metric id in {refs}; use an id from knowledge/metrics")
        except KnowledgeError as exc:
            notes.append(f"{exc}; this example was skipped (fix it in the file to use it)")
            continue
        seen.add(ex.id)
        out.append(ex)
    return out, notes


def save_team_example(
    example: WorkedExample, path: Path, known: Iterable[WorkedExample] = (), *, assign_id: bool = False
) -> tuple[WorkedExample, list[str]]:
    """Add a validated example to the team file, atomically and under a cross-process lock.

    With ``assign_id`` the id is chosen under the lock, so parallel saves never collide. Returns the saved
    example and notes (e.g. a damaged file that was set aside first).
    """
    check_team_example(example, f"{path}: ")
    known = list(known)
    with locked(path, hint=TEAM_HINT):
        data, notes = read_team_file(path)
        items = data["examples"]
        mine = [i for i in items if isinstance(i, dict)]
        ids = {e.id for e in known} | {str(i.get("id")) for i in mine}
        goals = {_goal_key(e.goal): e.id for e in known} | {_goal_key(str(i.get("goal"))): i.get("id") for i in mine}
        if assign_id:
            example = example.model_copy(update={"id": next_team_id(ids)})
        elif example.id in ids:
            raise KnowledgeError(f"{path}: an example with id '{example.id}' already exists; choose another id")
        if _goal_key(example.goal) in goals:
            raise KnowledgeError(
                f"the goal '{example.goal}' is already worked example {goals[_goal_key(example.goal)]}; "
                "edit that one or word the new goal differently"
            )
        items.append(example.model_dump(exclude={"domain"}, exclude_none=True))
        data["examples"] = items
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        atomic_write_text(path, text, hint=TEAM_HINT)
    return example, notes


if __name__ == "__main__":  # python -m assistant.knowledge [DIR]: validate the knowledge folder
    import sys
    from collections import Counter

    from .settings import REPO_ROOT

    try:
        k = load_knowledge(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "knowledge")
    except KnowledgeError as exc:
        raise SystemExit(f"error: {exc}") from None
    per_fn = Counter(f for m in k.metrics for f in m.functions)
    print(f"ok: {len(k.guidance)} cards, {len(k.examples)} examples, {len(k.metrics)} metrics")
    print("metrics per function:", dict(sorted(per_fn.items())))
