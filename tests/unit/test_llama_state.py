"""Saved prompt prefixes: when one is worth saving, and that a damaged file is ignored (never loaded)."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from assistant.llama_state import MAGIC, PrefixState, common_prefix


class EmptyContext:
    """Stands in for a llama.cpp context that has evaluated nothing yet."""

    n_tokens = 0

    def n_ctx(self) -> int:
        return 4096


@pytest.mark.parametrize(
    ("a", "b", "n"),
    [([], [1, 2], 0), ([1, 2, 3], [1, 2, 4], 2), ([1, 2], [1, 2, 3], 2), ([5], [6], 0), ([1, 2, 3], [1, 2, 3], 3)],
)
def test_common_prefix(a: list[int], b: list[int], n: int) -> None:
    assert common_prefix(a, b) == n


@pytest.mark.parametrize(
    ("restored", "saved", "prompt", "worth"),
    [
        ([], False, [1, 2, 3], True),  # nothing on disk: save after the first answer
        ([1, 2, 3, 4], False, [1, 2, 3, 9], False),  # what was loaded fits today's prompts
        ([1, 2, 3, 4], False, [1, 9, 9, 9], True),  # the prompt changed: replace the file
        ([], True, [1, 2, 3], False),  # once per process
    ],
)
def test_worth_saving(restored: list[int], saved: bool, prompt: list[int], worth: bool, tmp_path: Path) -> None:
    state = PrefixState(tmp_path, "k")
    state.restored, state.saved = restored, saved
    assert state.worth_saving(prompt) is worth


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a state file",
        MAGIC,  # header cut off
        MAGIC + struct.pack("<qq", 3, 10) + struct.pack("<3i", 1, 2, 3) + b"short",  # state cut off
        MAGIC + struct.pack("<qq", 0, 0),  # no tokens
        MAGIC + struct.pack("<qq", 99999, 1) + b"x" * 20,  # more tokens than the context holds
    ],
)
def test_a_damaged_file_is_ignored(content: bytes, tmp_path: Path) -> None:
    state = PrefixState(tmp_path, "k")
    state.path.write_bytes(content)
    assert state.restore(EmptyContext()) == 0 and state.restored == []


def test_nothing_is_loaded_into_a_context_in_use(tmp_path: Path) -> None:
    busy = EmptyContext()
    busy.n_tokens = 12
    state = PrefixState(tmp_path, "k")
    state.path.write_bytes(MAGIC + struct.pack("<qq", 1, 1) + struct.pack("<i", 7) + b"x")
    assert state.restore(busy) == 0
