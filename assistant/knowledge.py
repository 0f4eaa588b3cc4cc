"""Load and validate ``knowledge/``: guidance cards and worked examples, failing loudly per file and field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from .errors import KnowledgeError
from .schemas import GuidanceCard, WorkedExample
from .textutils import invented_numbers


@dataclass
class Knowledge:
    """Everything the retriever indexes, plus a fingerprint that changes when any file changes."""

    guidance: list[GuidanceCard]
    examples: list[WorkedExample]
    fingerprint: str
    files: list[Path] = field(default_factory=list)

    def by_id(self) -> dict[str, GuidanceCard | WorkedExample]:
        return {**{g.id: g for g in self.guidance}, **{e.id: e for e in self.examples}}


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


def check_numbers(ex: WorkedExample, where: str = "") -> None:
    """Our own examples must obey the product's rule: no number in a rewrite that the goal lacks."""
    for fname in ("rewrite", "proxy", "reframe"):
        bad = invented_numbers(getattr(ex, fname), ex.goal)
        if bad:
            raise KnowledgeError(
                f"{where}example {ex.id}: field '{fname}' has numbers not in the goal ({', '.join(bad)}); "
                "use [baseline]/[target]/[deadline] placeholders or words"
            )


def load_knowledge(knowledge_dir: Path, extra_examples: Path | None = None) -> Knowledge:
    """Load every file under ``knowledge_dir`` (and a team examples file if given), checking id uniqueness."""
    guidance_path = knowledge_dir / "guidance.yaml"
    if not guidance_path.exists():
        raise KnowledgeError(f"{guidance_path}: missing; the knowledge folder needs guidance.yaml")
    files = [guidance_path]
    guidance = load_guidance(guidance_path)
    examples: list[WorkedExample] = []
    origin: dict[str, Path] = {g.id: guidance_path for g in guidance}
    example_files = sorted((knowledge_dir / "examples").glob("*.yaml"))
    if extra_examples and extra_examples.exists() and extra_examples not in example_files:
        example_files.append(extra_examples)
    for path in example_files:
        files.append(path)
        for ex in load_examples(path):
            if ex.id in origin:
                raise KnowledgeError(f"duplicate knowledge id '{ex.id}' (in {origin[ex.id].name} and {path.name})")
            origin[ex.id] = path
            examples.append(ex)
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return Knowledge(guidance=guidance, examples=examples, fingerprint=digest.hexdigest()[:16], files=files)


def save_team_example(example: WorkedExample, path: Path) -> None:
    """Append a validated team example to its YAML file (created on first use)."""
    check_numbers(example, f"{path}: ")
    data = _read_yaml(path) if path.exists() else None
    data = data if isinstance(data, dict) else {"domain": "team", "examples": []}
    items = data.setdefault("examples", []) or []
    if any(i.get("id") == example.id for i in items):
        raise KnowledgeError(f"{path}: an example with id '{example.id}' already exists")
    items.append(example.model_dump(exclude={"domain"}, exclude_none=True))
    data["examples"] = items
    data["domain"] = data.get("domain") or example.domain
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
