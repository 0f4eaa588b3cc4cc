"""``openai:<model>`` on an OpenAI-compatible server: how the per-goal enum schema is asked for, over real HTTP
requests answered by an in-process mock transport (the real llama.cpp server runs in tests/integration)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from langchain_core.messages import HumanMessage

from assistant.errors import ConfigurationError
from assistant.models import build_openai_compatible, describe_model, get_chat_model
from assistant.schemas import judgement_schema
from assistant.settings import Settings

SCHEMA = judgement_schema(["activation rate of new sign-ups", "weekly active teams"])
LLAMA_CPP_REJECTS = (
    "1 validation error: {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}"
)


class FakeServer:
    """Answers /v1/chat/completions like llama-cpp-python's server (``json_schema=False``) or like vLLM."""

    def __init__(self, json_schema: bool) -> None:
        self.json_schema = json_schema
        self.requests: list[dict[str, Any]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        fmt = body.get("response_format") or {}
        if fmt.get("type") == "json_schema" and not self.json_schema:
            return httpx.Response(500, json={"error": {"message": LLAMA_CPP_REJECTS, "type": "internal_server_error"}})
        schema = fmt.get("schema") or fmt.get("json_schema", {}).get("schema")
        metric = schema["properties"]["metric"]["enum"][0]
        answer = {"kind": "output", "metric": metric, "team_controls": True}
        if fmt.get("type") == "json_schema":
            answer |= {"new_metric": None, "new_direction": None}
        return httpx.Response(
            200,
            json={
                "id": "cmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": json.dumps(answer)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70},
            },
        )


def served(server: FakeServer, **settings: Any) -> Any:
    client = httpx.Client(transport=httpx.MockTransport(server), base_url="http://127.0.0.1:9/v1")
    return build_openai_compatible(
        "qwen", Settings(**settings), base_url="http://127.0.0.1:9/v1", api_key="x", http_client=client
    )


def test_auto_falls_back_to_llama_cpp_json_object_schema() -> None:
    server = FakeServer(json_schema=False)
    model = served(server)
    for _ in range(2):
        out = model.with_structured_output(SCHEMA, include_raw=True).invoke([HumanMessage("Goal: Launch X")])
        assert out["parsed"].metric == "activation rate of new sign-ups" and out["parsing_error"] is None
    kinds = [r["response_format"]["type"] for r in server.requests]
    # json_schema is tried on the first goal only (the OpenAI client retries a 500 twice), then remembered
    assert set(kinds[:-2]) == {"json_schema"} and kinds[-2:] == ["json_object", "json_object"]
    assert server.requests[-1]["response_format"]["schema"]["properties"]["metric"]["enum"][:2] == [
        "activation rate of new sign-ups",
        "weekly active teams",
    ]


def test_auto_keeps_json_schema_where_the_server_has_it() -> None:
    server = FakeServer(json_schema=True)
    model = served(server)
    for _ in range(2):
        assert model.with_structured_output(SCHEMA).invoke([HumanMessage("Goal: Launch X")]).kind == "output"
    assert [r["response_format"]["type"] for r in server.requests] == ["json_schema", "json_schema"]


def test_method_can_be_forced() -> None:
    server = FakeServer(json_schema=False)
    model = served(server, structured_output="json_object_schema")
    assert model.with_structured_output(SCHEMA).invoke([HumanMessage("Goal: Launch X")]).kind == "output"
    assert [r["response_format"]["type"] for r in server.requests] == ["json_object"]
    with pytest.raises(ConfigurationError, match="OKR_STRUCTURED_OUTPUT"):
        served(server, structured_output="xml").with_structured_output(SCHEMA)


def test_factory_and_label_for_a_self_hosted_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    model = get_chat_model("openai:qwen2.5-7b-instruct", Settings())  # no key needed for a local server
    assert model.model_name == "qwen2.5-7b-instruct" and model.openai_api_base == "http://127.0.0.1:8080/v1"
    assert describe_model("openai:qwen2.5-7b-instruct") == "openai:qwen2.5-7b-instruct at http://127.0.0.1:8080/v1"
