"""The Gradio app, one small wiring module per tab; ``ui.py`` puts them together (``build_app``/``launch``).

Each module only connects components to the plain functions in ``assistant.handlers``.
"""
