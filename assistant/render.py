"""Human-readable renderings of a review: plain text for the terminal, Markdown for the UI chat."""

from __future__ import annotations

from .schemas import KRScore, Review, ReviewRow


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
        f"Score:       {row.score}/100 (as written; checklist in knowledge/sets/score.yaml)",
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


CONTROLS_BOILERPLATE = "The team can move this through its own work."


def review_markdown(
    r: Review,
    guidance: dict[str, str] | None = None,
    with_sources: bool = True,
    label: str | None = None,
    in_set: bool = False,
    skip_notes: frozenset[str] | set[str] = frozenset(),
) -> str:
    """The review as Markdown: verdict first, rewrites as a list, sources in a collapsible block.

    The chat passes ``with_sources=False`` and shows sources as its own collapsible message. Inside a set
    (``in_set``) what every review would repeat - "the team can move this", notes shared by several reviews -
    is left to :func:`set_summary`, which says it once.
    """
    badge = "🟠 **OUTPUT**" if r.kind == "output" else "🟢 **OUTCOME**"
    head = f"**{label}** · {badge}" if label else badge
    parts = [f"{head} - {r.goal}", "", f"**Why:** {r.rationale}", ""]
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
    if r.needs_proxy or r.proxy_rewrite:
        parts.append(f"**Proxy (readable within a quarter):** {r.proxy_rewrite or _v(r.proxy)}")
    if r.team_controls and (in_set or r.control_reason == CONTROLS_BOILERPLATE):
        parts.append("**Team controls it:** yes" + ("" if in_set else f" - {CONTROLS_BOILERPLATE}"))
    else:
        parts.append(f"**Team controls it:** {'yes' if r.team_controls else 'no'} - {r.control_reason}")
    for note in r.notes:
        if note not in skip_notes:
            parts.append(f"> {note}")
    if r.sources and with_sources:
        parts += [
            "",
            f"<details><summary>Sources ({len(r.sources)})</summary>\n\n{sources_markdown(r.sources, guidance)}"
            "\n\n</details>",
        ]
    return "\n".join(parts)


def sources_markdown(sources: list[str], titles: dict[str, str] | None = None) -> str:
    """One line per source: its title first (what people read), its id in brackets (to find it in knowledge/)."""
    titles = titles or {}
    return "\n".join(f"- {titles[s]} ({s})" if titles.get(s) else f"- {s}" for s in sources)


def shared_notes(reviews: list[Review]) -> list[str]:
    """Notes that more than one review of a set carries: said once for the set, not on every item."""
    seen: dict[str, int] = {}
    for r in reviews:
        for note in dict.fromkeys(r.notes):
            seen[note] = seen.get(note, 0) + 1
    return [n for n, count in seen.items() if count > 1]


def set_summary(reviews: list[Review], labels: list[str]) -> str:
    """What a whole set has in common, said once: who controls what, and the notes every item shares."""
    mine = [lab for r, lab in zip(reviews, labels, strict=False) if r.team_controls]
    outside = [lab for r, lab in zip(reviews, labels, strict=False) if not r.team_controls]
    if not outside:
        every = "both" if len(reviews) == 2 else f"all {len(reviews)}"
        control = f"The team can move {every} key results through its own work."
    elif not mine:
        control = "None of these key results is fully in the team's hands; each one is reframed to the part it moves."
    else:
        control = (
            f"The team can move {', '.join(mine)} through its own work; {', '.join(outside)} "
            f"{'depends' if len(outside) == 1 else 'depend'} on forces outside the team (see the reframe)."
        )
    parts = [f"**In this set:** {control}"]
    parts += [f"> {n}" for n in shared_notes(reviews)]
    return "\n".join(parts)


def checklist_table(score: KRScore) -> list[str]:
    """The visible checklist as a Markdown table: each check, passed or not, and the points it earned."""
    rows = [f"| {'✅' if c.passed else '❌'} | {c.label} | {c.earned}/{c.weight} |" for c in score.checks]
    return ["| | check | points |", "|---|---|---|", *rows]


def kr_score_markdown(score: KRScore) -> str:
    """A single goal's score as written with its checklist and the fixes worth most (chat)."""
    fixes = sorted((c for c in score.checks if not c.passed and c.weight), key=lambda c: -c.weight)[:3]
    parts = [f"**Score as written: {score.score}/100**", "", *checklist_table(score)]
    if fixes:
        parts += ["", "**To raise it most:** " + "; ".join(f"{c.fix} (+{c.weight})" for c in fixes)]
    return "\n".join(parts)
