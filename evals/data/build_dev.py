"""Turn the compact hand-written lists into dev.csv with ids and reference rewrites.

dev_source.txt holds the tidy goals; dev_real_source.txt the real-style slice (tagged ``real``).
Metric labels (acceptable catalogue ids, related ids) live in metric_labels.csv, keyed by id.
"""

import csv
from pathlib import Path

here = Path(__file__).parent
rows = []
prefix: dict[str, int] = {}
for source, stem in (("dev_source.txt", "dev"), ("dev_real_source.txt", "real")):
    for line in (here / source).read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        domain, goal, kind, ctl, proxy, metrics, tags = [p.strip() for p in line.split("|")]
        code = "".join(w[0] for w in domain.split())[:3] if " " in domain else domain[:4]
        key = f"{stem}-{code}"
        prefix[key] = prefix.get(key, 0) + 1
        names, refs = [], []
        for m in metrics.split(";"):
            sign, name = m.strip()[0], m.strip()[1:].strip()
            names.append(name)
            verb = "Raise" if sign == "+" else "Reduce"
            refs.append(f"{verb} {name} from [baseline] to [target] by [deadline]")
        tag_list = [t for t in tags.split(";") if t]
        if stem == "real" and "real" not in tag_list:
            tag_list.insert(0, "real")
        rewrite_needed = kind == "output" or any(
            t in tag_list for t in ("uncontrollable", "no-target", "vague", "proxy")
        )
        rows.append(
            {
                "id": f"{key}-{prefix[key]:02d}",
                "domain": domain,
                "goal": goal,
                "kind": kind,
                "team_controls": ctl == "y",
                "needs_proxy": proxy == "y",
                "tags": ";".join(tag_list),
                "metrics": ";".join(names),
                "references": ";".join(refs) if rewrite_needed else "",
            }
        )
with open(here / "dev.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
print(len(rows), "rows")
