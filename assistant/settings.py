"""All settings in one place, read from ``OKR_*`` environment variables (CLI flags override them)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_home() -> Path:
    """Where the user's own files live (team examples): outside the repo, so updates and clones never touch them."""
    return Path(user_data_dir("outcome-lens", appauthor=False))


def _cache_home() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "outcome-lens"


def disable_telemetry() -> None:
    """Nothing may call out: switch off every library's phone-home before it is imported."""
    for key, value in {
        "ANONYMIZED_TELEMETRY": "False",
        "CHROMA_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "RAGAS_DO_NOT_TRACK": "true",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "DO_NOT_TRACK": "1",
        "OTEL_SDK_DISABLED": "true",  # FastAPI and Chroma carry OpenTelemetry: no exporter, no spans
        "OTEL_TRACES_EXPORTER": "none",
        "OTEL_METRICS_EXPORTER": "none",
        "OTEL_LOGS_EXPORTER": "none",
    }.items():
        os.environ.setdefault(key, value)


class Settings(BaseSettings):
    """Runtime configuration. Every field maps to ``OKR_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="OKR_", extra="ignore")

    model: str = Field(
        "local",
        description="'local' (embedded Qwen2.5-Coder-1.5B GGUF), a path to a .gguf file, "
        "or any init_chat_model string such as 'openai:gpt-4o-mini' or 'ollama:qwen2.5'.",
    )
    knowledge_dir: Path = REPO_ROOT / "knowledge"
    team_metrics_file: Path | None = Field(
        None, description="The team's own catalogue metrics (same YAML as knowledge/metrics); default data folder"
    )
    team_examples_file: Path | None = Field(
        None, description="Where team-added examples are saved; default <user data folder>/outcome-lens/team.yaml"
    )
    cache_dir: Path = Field(default_factory=_cache_home)
    chroma_dir: Path | None = Field(None, description="Persisted index; default cache_dir/chroma")
    chroma_host: str | None = Field(None, description="Use a Chroma server instead of a local folder")
    chroma_port: int = 8000
    embedding_model: str = Field(
        "minilm", description="'minilm' (all-MiniLM-L6-v2 shipped on PyPI) or a sentence-transformers folder"
    )
    guidance_k: int = 3
    examples_k: int = 1
    metrics_k: int = 8
    candidates_k: int = 5
    metric_choice: Literal["ranking", "model"] = Field(
        "ranking", description="Who picks the metric among the candidates: the ranking's first, or the model"
    )
    # Catalogue ranking (assistant/ranking.py), tuned on the dev set's tune half with evals/retrieval_eval.py.
    rank_definition_weight: float = Field(
        0.3, ge=0, description="Share of a metric's name:definition similarity added to its best document's"
    )
    rank_result_query_weight: float = Field(
        1.0, ge=0, description="Weight of the goal read as its result (no numbers, result half) beside the goal"
    )
    rank_objective_weight: float = Field(
        0.3, ge=0, description="Weight of the goal's objective, when given, beside the goal (0 ignores it)"
    )
    rank_lexical_weight: float = Field(
        0.02, ge=0, description="Weight of a metric's BM25 word match with the goal, added to its meaning score"
    )
    max_goal_chars: int = 1000
    max_items_cli: int = Field(2000, ge=1, description="Most goals one okr review/roadmap run accepts")
    max_items_ui: int = Field(500, ge=1, description="Most goals one roadmap in the app accepts")
    max_file_mb: float = Field(5.0, gt=0, description="Largest upload, input file or paste, in MB")
    max_retries: int = 2
    n_ctx: int = 4096
    n_threads: int = Field(default_factory=lambda: os.cpu_count() or 2)
    temperature: float = 0.0
    max_tokens: int = 160
    keep_prefix: bool = Field(
        True, description="Embedded model: keep the evaluated prompt prefix on disk for the next process"
    )
    concurrency: int = Field(
        1,
        ge=1,
        le=64,
        description="Goals sent to the model at once in bulk runs (a served model); the embedded model keeps one",
    )
    cache: bool = Field(True, description="Answer a goal reviewed before from the result cache (OKR_CACHE=0: off)")
    result_cache_dir: Path | None = Field(None, description="Result cache folder; default cache_dir/results")
    structured_output: str = Field(
        "auto",
        description="How an OpenAI-compatible server is asked for the answer's JSON: auto, json_schema, "
        "json_object_schema (llama.cpp), function_calling or json_mode",
    )
    request_timeout: float = Field(120.0, description="Seconds to wait for a served model's answer")
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_username: str | None = None
    ui_password: str | None = None
    ui_concurrency: int = 1
    ui_allow_open: bool = Field(
        False, description="Serve a non-loopback address without a login; the endpoints that write files are off"
    )

    @property
    def chroma_path(self) -> Path:
        return self.chroma_dir or self.cache_dir / "chroma"

    @property
    def result_cache_path(self) -> Path:
        return self.result_cache_dir or self.cache_dir / "results"

    @property
    def team_metrics_path(self) -> Path:
        return self.team_metrics_file or data_home() / "metrics.yaml"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @property
    def team_examples_path(self) -> Path:
        return self.team_examples_file or data_home() / "team.yaml"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
