from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigurationError, MissingPackageError, UnknownModelError
from assistant.models import LlamaCppChatModel, describe_model, get_chat_model
from assistant.prompts import PromptFile, load_prompt
from assistant.settings import Settings


def test_unknown_model() -> None:
    with pytest.raises(UnknownModelError, match="Use 'local', a path to a .gguf file"):
        get_chat_model("gpt4", Settings())


def test_missing_provider_package_says_what_to_install() -> None:
    with pytest.raises(MissingPackageError, match=r"pip install langchain-anthropic"):
        get_chat_model("anthropic:claude-sonnet", Settings())


def test_missing_gguf_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="GGUF file not found"):
        get_chat_model(str(tmp_path / "nope.gguf"), Settings())


def test_gguf_path_builds_llama_model_without_loading(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    path.write_bytes(b"GGUF")
    model = get_chat_model(str(path), Settings(n_ctx=2048, max_tokens=99))
    assert isinstance(model, LlamaCppChatModel)
    assert (model.n_ctx, model.max_tokens, model.model_path) == (2048, 99, str(path))


def test_ollama_provider_builds_without_network() -> None:
    pytest.importorskip("langchain_ollama")
    model = get_chat_model("ollama:qwen2.5", Settings())
    assert "Ollama" in type(model).__name__


def test_describe_model() -> None:
    assert "Qwen2.5" in describe_model("local")
    assert describe_model("/x/y.gguf") == "local GGUF: y.gguf"
    assert describe_model("openai:gpt-4o-mini") == "openai:gpt-4o-mini"


@pytest.mark.parametrize("name", ["review", "zero_shot", "coach"])
def test_prompt_files_load(name: str) -> None:
    p = load_prompt(name)
    assert p.name == name and p.system.strip()


def test_prompt_missing_variable_fails_loudly() -> None:
    with pytest.raises(ValueError, match="user template lacks"):
        PromptFile(
            name="review", system="s", user="Goal only", guidance_line="", example_line="", context_line="", retry=""
        )
    with pytest.raises(ValueError, match="extra"):
        PromptFile.model_validate(
            {
                "name": "x",
                "system": "s",
                "user": "u",
                "guidance_line": "",
                "example_line": "",
                "context_line": "",
                "retry": "",
                "colour": "red",
            }
        )
