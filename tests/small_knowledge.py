"""A trimmed copy of ``knowledge/`` for tests of the index's mechanics (sharing, pruning, reloads, team files).

Those tests build a real Chroma index, and over the whole catalogue (~33k documents) each build took 15-48 s:
about 8 of the unit suite's 10 minutes. What they check (a collection is kept, pruned, rebuilt, a team example
is found) does not depend on how much knowledge there is, so they read this copy: every guidance card, the first
few worked examples of each domain and only the catalogue metrics those examples refer to (closed over
``leading`` and ``owned_slice``, so the copy passes the same integrity checks as the real folder).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

EXAMPLES_PER_DOMAIN = 6


def _referenced(example: dict[str, object]) -> set[str]:
    return {str(example[k]) for k in ("metric_id", "proxy_id", "reframe_id") if example.get(k)}


def _closure(ids: set[str], metrics: dict[str, dict[str, object]]) -> set[str]:
    """The ids plus every metric they lead from or reframe to, transitively."""
    todo, seen = list(ids), set()
    while todo:
        mid = todo.pop()
        if mid in seen or mid not in metrics:
            continue
        seen.add(mid)
        entry = metrics[mid]
        todo.extend(str(r) for r in entry.get("leading") or [])  # type: ignore[union-attr]
        if entry.get("owned_slice"):
            todo.append(str(entry["owned_slice"]))
    return seen


def write_small_knowledge(source: Path, dest: Path, per_domain: int = EXAMPLES_PER_DOMAIN) -> Path:
    """Write the trimmed copy of ``source`` into ``dest`` (created) and return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "guidance.yaml", dest / "guidance.yaml")
    if (source / "sets").is_dir():
        shutil.copytree(source / "sets", dest / "sets", dirs_exist_ok=True)
    wanted: set[str] = set()
    (dest / "examples").mkdir(exist_ok=True)
    for path in sorted((source / "examples").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["examples"] = data["examples"][:per_domain]
        for example in data["examples"]:
            wanted |= _referenced(example)
        (dest / "examples" / path.name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    files = {p: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((source / "metrics").glob("*.yaml"))}
    every = {m["id"]: m for data in files.values() for m in data["metrics"] or []}
    keep = _closure(wanted, every)
    (dest / "metrics").mkdir(exist_ok=True)
    for path, data in files.items():
        data["metrics"] = [m for m in data["metrics"] or [] if m["id"] in keep]
        if data["metrics"]:
            (dest / "metrics" / path.name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return dest
