"""The app's CSS: a few rules, most of them so it stays usable on a 390 px phone."""

CSS = """
.kind-legend {font-size: 0.9em; opacity: 0.85}
#roadmap-table table {font-size: 0.88em}
#chat-status {font-size: 0.85em; opacity: 0.85; min-height: 1.4em}
footer {display: none !important}

/* Phones: the table scrolls sideways instead of wrapping every few letters; the chart keeps its labels. */
@media (max-width: 700px) {
  #roadmap-table .table-wrap, #roadmap-table .table-container, #roadmap-table [role=grid] {overflow-x: auto !important}
  #roadmap-table table {min-width: 1200px; table-layout: fixed}
  #roadmap-table th, #roadmap-table td {min-width: 90px; word-break: normal; overflow-wrap: normal}
  #roadmap-chart {min-height: 260px}
  #chat-row {flex-wrap: wrap}
  #chat-send {min-width: 100% !important}
}
"""
