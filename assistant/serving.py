"""The team's shared services, started by one command (``okr serve`` / ``make serve-team``):

- the model server: llama-cpp-python's OpenAI-compatible server on the embedded GGUF (or any GGUF); any other
  OpenAI-compatible server (vLLM on a GPU, Ollama, a hosted API) can stand in for it, see the README;
- the Chroma server holding the knowledge index (``chroma run``).

Each runs as its own process; the app (``make ui``) and the CLI reach them through ``OKR_MODEL=openai:<alias>``
with ``OPENAI_BASE_URL`` and ``OKR_CHROMA_HOST`` / ``OKR_CHROMA_PORT``. The same helpers start the model server
in the integration test and the benchmark.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from .errors import ConfigurationError, MissingPackageError

MODEL_ALIAS = "outcome-lens-local"


def server_extra_missing() -> str | None:
    """Why llama-cpp-python's server cannot start here (its ``[server]`` extra is missing), or None."""
    try:
        import llama_cpp.server.app  # noqa: F401
    except ImportError as exc:
        return f"{exc}; install it with .venv/bin/pip install 'llama-cpp-python[server]==0.3.36'"
    return None


def model_server_command(
    gguf: Path, host: str, port: int, n_threads: int, n_ctx: int = 4096, alias: str = MODEL_ALIAS
) -> list[str]:
    """``python -m llama_cpp.server`` on one GGUF; requests queue at the server (one llama.cpp context)."""
    return [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--model_alias",
        alias,
        "--host",
        host,
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--n_threads",
        str(n_threads),
    ]


def chroma_server_command(path: Path, host: str, port: int) -> list[str]:
    exe = Path(sys.executable).with_name("chroma")
    found = str(exe) if exe.exists() else shutil.which("chroma")
    if not found:
        raise MissingPackageError("chroma", "chromadb")
    return [found, "run", "--path", str(path), "--host", host, "--port", str(port)]


def wait_until_up(url: str, proc: subprocess.Popen, timeout: float = 180.0, log: Path | None = None) -> None:
    """Poll ``url`` until it answers 200; raise with the server's own last words if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise ConfigurationError(f"{' '.join(map(str, proc.args[:4]))} exited with code {proc.returncode}: {tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback health check
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise ConfigurationError(f"{url} did not answer within {timeout:.0f}s")


def start(command: Sequence[str], health_url: str, log: Path | None = None, timeout: float = 180.0) -> subprocess.Popen:
    """Start a server process (its output to ``log``, else to our terminal) and wait until it answers."""
    handle = open(log, "ab") if log else None  # noqa: SIM115 - the child keeps writing to it
    try:
        proc = subprocess.Popen(list(command), stdout=handle, stderr=subprocess.STDOUT if handle else None)
    finally:
        if handle:
            handle.close()  # the child has its own copy of the descriptor
    try:
        wait_until_up(health_url, proc, timeout, log)
    except BaseException:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Terminate one server we started (by its own handle), killing it if it does not exit in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
