"""Turn dev_source.txt (a compact hand-written list) into dev.csv with ids and reference rewrites."""

import csv
from pathlib import Path

here = Path(__file__).parent
rows = []
prefix = {}
for line in (here / "dev_source.txt").read_text().splitlines():
    if not line.strip() or line.startswith("#"):
        continue
    domain, goal, kind, ctl, proxy, metrics, tags = [p.strip() for p in line.split("|")]
    code = "".join(w[0] for w in domain.split())[:3] if " " in domain else domain[:4]
    prefix[code] = prefix.get(code, 0) + 1
    names, refs = [], []
    for m in metrics.split(";"):
        sign, name = m[0], m[1:].strip()
        names.append(name)
        verb = "Raise" if sign == "+" else "Reduce"
        refs.append(f"{verb} {name} from [baseline] to [target] by [deadline]")
    rows.append(
        {
            "id": f"dev-{code}-{prefix[code]:02d}",
            "domain": domain,
            "goal": goal,
            "kind": kind,
            "team_controls": ctl == "y",
            "needs_proxy": proxy == "y",
            "tags": tags,
            "metrics": ";".join(names),
            "references": ";".join(refs)
            if kind == "output" or "uncontrollable" in tags or "no-target" in tags or "vague" in tags or "proxy" in tags
            else "",
        }
    )
with open(here / "dev.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
print(len(rows), "rows")
