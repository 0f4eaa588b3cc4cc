"""The app's CSS: a few rules, most of them so it stays usable on a 390 px phone."""

CSS = """
.kind-legend {font-size: 0.9em; opacity: 0.85}
#roadmap-table table {font-size: 0.88em}
#chat-status {font-size: 0.9em; min-height: 1.4em}
footer {display: none !important}

/* The table's columns have fixed widths (assistant/columns.py): a narrow screen scrolls it sideways. */
#roadmap-table .virtual-table-viewport {overflow-x: auto !important}
#roadmap-table td, #roadmap-table th {word-break: normal; overflow-wrap: break-word}

/* Phones: the send button goes under the box; the chart keeps room for its labels. */
@media (max-width: 700px) {
  #roadmap-table .virtual-table-viewport {-webkit-overflow-scrolling: touch}
  #roadmap-chart {min-height: 280px}
  #chat-row {flex-wrap: wrap}
  #chat-send {min-width: 100% !important}
}
"""
