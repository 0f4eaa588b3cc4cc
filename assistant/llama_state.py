"""llama.cpp's evaluated prompt kept on disk, so a new process does not process the fixed prompt prefix again.

Within a process llama.cpp reuses the longest common prefix of the previous prompt: the system prompt and any
fixed turns cost nothing after the first goal. A fresh process (``okr review "..."``, a resumed roadmap, the
app after a restart) starts with an empty context and pays for the whole prompt, about 4 s for ~400 tokens on
2 cores. ``PrefixState`` saves the context after the first answer of a process and loads it into the next
process's empty context; llama.cpp then keeps the part that matches the new prompt and drops the rest.

The file is keyed by everything that shapes the context (model file, context size, llama.cpp version); a
file that does not load is ignored and replaced. Only the model's state and its tokens are saved,
not llama-cpp-python's logits buffer (hundreds of MB); the next prompt always re-evaluates at least its last
token, so the logits are rebuilt.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .errors import StorageError
from .storage import atomic_writer

MAGIC = b"OLKV1\n"
USEFUL_SHARE = 0.5  # a saved state that shares less than this with a new prompt is replaced after the call


def state_key(model_path: str, n_ctx: int) -> str:
    """Everything that decides whether a saved context fits a loaded model."""
    import llama_cpp

    stat = Path(model_path).stat()
    raw = f"{Path(model_path).resolve()}|{stat.st_size}|{int(stat.st_mtime)}|{n_ctx}|"
    raw += llama_cpp.__version__
    return hashlib.sha256(raw.encode()).hexdigest()[:24]


def common_prefix(a: Any, b: Any) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class PrefixState:
    """One saved context per model setup, restored into an empty context before its first prompt."""

    def __init__(self, folder: Path, key: str) -> None:
        self.path = folder / f"{key}.kv"
        self.restored: list[int] = []  # the tokens loaded from disk in this process
        self.saved = False

    def restore(self, llama: Any) -> int:
        """Load the saved context into ``llama`` if its context is empty; returns the tokens loaded (0: none)."""
        if llama.n_tokens or not self.path.is_file():
            return 0
        try:
            data = self.path.read_bytes()
            if not data.startswith(MAGIC):
                return 0
            n_tokens, n_state = struct.unpack_from("<qq", data, len(MAGIC))
            start = len(MAGIC) + 16
            ids = list(struct.unpack_from(f"<{n_tokens}i", data, start))
            blob = data[start + 4 * n_tokens : start + 4 * n_tokens + n_state]
            if len(blob) != n_state or not 0 < n_tokens <= llama.n_ctx():
                return 0
            import llama_cpp

            buffer = (ctypes.c_uint8 * n_state).from_buffer_copy(blob)
            if llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, n_state) != n_state:
                llama.reset()
                return 0
        except (OSError, struct.error, ValueError):
            return 0
        llama.input_ids[:n_tokens] = ids
        llama.n_tokens = n_tokens
        self.restored = ids
        return n_tokens

    def worth_saving(self, prompt: Sequence[int]) -> bool:
        """Once per process: when nothing was restored, or what was restored fits today's prompts badly."""
        if self.saved:
            return False
        if not self.restored:
            return True
        return common_prefix(self.restored, prompt) < USEFUL_SHARE * len(self.restored)

    def save(self, llama: Any) -> None:
        """Write the context as it is now (prompt and answer); the next process keeps the part it shares."""
        import llama_cpp

        self.saved = True
        n_tokens = int(llama.n_tokens)
        if not n_tokens:
            return
        size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
        ids = [int(t) for t in llama.input_ids[:n_tokens]]
        with contextlib.suppress(OSError, StorageError), atomic_writer(self.path, "wb", encoding=None) as handle:
            handle.write(MAGIC + struct.pack("<qq", n_tokens, written))
            handle.write(struct.pack(f"<{n_tokens}i", *ids))
            handle.write(memoryview(buffer)[:written])
