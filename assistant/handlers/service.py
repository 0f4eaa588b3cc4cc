"""The one service the app's tabs share: the chain (so the model loads once) and what the UI needs around it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from ..chain import ReviewChain
from ..coach import Classifier, Wording, model_classifier, model_wording
from ..settings import Settings

ChainFactory = Callable[[Settings], ReviewChain]


@dataclass
class AppService:
    """One shared chain (so the model loads once) plus what the UI needs around it."""

    settings: Settings
    factory: ChainFactory
    model_label: str = ""
    allow_writes: bool = True  # False when the app is open to a network without a login (see exposure.py)
    _chain: ReviewChain | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def chain(self) -> ReviewChain:
        with self._lock:
            if self._chain is None:
                self._chain = self.factory(self.settings)
            return self._chain

    @property
    def classifier(self) -> Classifier:
        """The model, asked only which operation a follow-up the coach's rules could not place asks for."""
        return model_classifier(self.chain.model)

    @property
    def wording(self) -> Wording:
        """The model, asked only to word a short explanation of facts the code decided."""
        return model_wording(self.chain.model)

    def reload_knowledge(self) -> None:
        """Re-read knowledge (e.g. after a team example was added) and reindex; the model stays loaded."""
        from ..api import build_index_for

        chain = self.chain
        with self._lock:
            chain.index = build_index_for(self.settings, getattr(chain.index.store, "_embedding_function", None))

    def notices(self) -> list[str]:
        """What the user should know about the knowledge and index (set-aside team file, rebuilt index)."""
        return list(self.chain.index.notes)

    def source_titles(self) -> dict[str, str]:
        """Knowledge id -> what people read for it: a card's title and summary, an example's goal."""
        k = self.chain.knowledge
        return {
            **{g.id: f"**{g.title}** - {g.summary}" for g in k.guidance},
            **{e.id: f"worked example ({e.domain}, {e.kind}): *{e.goal}*" for e in k.examples},
        }

    guidance_lookup = source_titles  # the earlier name
