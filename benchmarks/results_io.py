"""Where benchmark figures go: ``results/<section>.json`` plus the same figures as a section of ``latest.json``.

``latest.json`` holds every benchmark's latest figures side by side (``bench_chain.py`` writes its own keys at
the top level; the scale benchmarks add ``server`` and ``cache``), so one file answers "how fast is it now".
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def save(section: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{section}.json").write_text(json.dumps(result, indent=2) + "\n")
    latest = RESULTS / "latest.json"
    data = json.loads(latest.read_text()) if latest.exists() else {}
    data[section] = result
    latest.write_text(json.dumps(data, indent=2) + "\n")
    return RESULTS / f"{section}.json"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
