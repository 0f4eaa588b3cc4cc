"""Outcome Lens: turns output-style key results into measurable outcomes the team can move.

from assistant import review
r = review("Launch the new onboarding flow")
"""

from __future__ import annotations

from typing import Any

__all__ = ["review", "review_many", "review_set", "review_portfolio", "review_runnable", "build_chain", "get_chain"]


def __getattr__(name: str) -> Any:
    # Lazy: ``import assistant`` stays cheap; the heavy LangChain/Chroma imports happen on first use.
    if name in __all__:
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
