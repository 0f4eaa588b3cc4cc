"""Human-readable renderings of a review: plain text for the terminal, Markdown for the UI chat."""

from __future__ import annotations

from .schemas import Review, ReviewRow


def _v(value: object) -> str:
    return "-" if value in (None, "", []) else str(value)


def row_text(row: ReviewRow) -> str:
    """The terminal rendering of one row (the CLI's default output)."""
    if row.error:
        return f"Goal:        {row.goal}\nError:       {row.error}"
    rewrites = [t for t in [row.rewrite, *row.alternatives] if t]
    lines = [
        f"Goal:        {row.goal}",
        *([f"Objective:   {row.objective}"] if row.objective else []),
        f"Kind:        {(row.kind or '').upper()}",
        f"Why:         {row.rationale}",
        "Suggested key results:" if rewrites else "Suggested key results: none needed - already a measurable outcome.",
        *[f"  {n}. {t}" for n, t in enumerate(rewrites, 1)],
        f"Initiative:  {_v(row.initiative)}",
        *([f"Hypothesis:  {row.hypothesis}"] if row.hypothesis else []),
        *([f"Measured in: {row.measured_in}"] if row.measured_in else []),
        f"Measurable:  metric={_v(row.metric)}; baseline={_v(row.baseline)}; target={_v(row.target)}; "
        f"deadline={_v(row.deadline)}",
        f"Proxy:       {(row.proxy_rewrite or _v(row.proxy)) if row.needs_proxy else 'not needed'}",
        f"Controls:    {'yes' if row.team_controls else 'no - reframe to: ' + _v(row.reframe)}",
        f"Sources:     {', '.join(row.sources)}",
        *[f"Note:        {n}" for n in row.notes],
    ]
    return "\n".join(lines)


def review_markdown(r: Review, guidance: dict[str, str] | None = None, with_sources: bool = True) -> str:
    """The review as Markdown: verdict first, rewrites as a list, sources in a collapsible block.

    The chat passes ``with_sources=False`` and shows sources as its own collapsible message.
    """
    badge = "🟠 **OUTPUT**" if r.kind == "output" else "🟢 **OUTCOME**"
    parts = [f"{badge} - {r.goal}", "", f"**Why:** {r.rationale}", ""]
    if r.rewrites:
        parts.append("**Suggested key results:**")
        parts += [f"{n}. {rw.text}" for n, rw in enumerate(r.rewrites, 1)]
    else:
        parts.append("**Already a measurable outcome** - no rewrite needed.")
    parts.append("")
    if r.initiative:
        parts.append(f"**Initiative (keep it):** {r.initiative}")
    if r.hypothesis:
        parts.append(
            f"**Hypothesis:** {r.hypothesis}" + (f" *(measured in: {r.measured_in})*" if r.measured_in else "")
        )
    parts.append(
        f"**Measurable now:** metric *{_v(r.metric)}*, baseline {_v(r.baseline)}, target {_v(r.target)}, "
        f"deadline {_v(r.deadline)}"
    )
    if r.needs_proxy:
        parts.append(f"**Proxy (readable within a quarter):** {r.proxy_rewrite or _v(r.proxy)}")
    parts.append(f"**Team controls it:** {'yes' if r.team_controls else 'no'} - {r.control_reason}")
    for note in r.notes:
        parts.append(f"> {note}")
    if r.sources and with_sources:
        body = "\n".join(f"- **{s}**: {guidance.get(s, '')}" if guidance else f"- {s}" for s in r.sources)
        parts += ["", f"<details><summary>Sources ({len(r.sources)})</summary>\n\n{body}\n\n</details>"]
    return "\n".join(parts)
