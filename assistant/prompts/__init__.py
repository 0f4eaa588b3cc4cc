"""Prompt files (``assistant/prompts/*.yaml``) loaded into validated pydantic objects."""

from __future__ import annotations

import string
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from ..errors import ConfigurationError

REQUIRED_FIELDS = {
    "review": {"goal", "candidates", "context"},
    "zero_shot": {"goal"},
    "coach": {"review", "guidance", "question"},
}


class Demo(BaseModel):
    """A fixed turn showing the model how to choose from candidates (the same for every goal, so cached)."""

    model_config = ConfigDict(extra="forbid")

    goal: str
    candidates: list[str]
    kind: str
    metric: str
    team_controls: bool = True

    @model_validator(mode="after")
    def _metric_is_a_candidate(self) -> Demo:
        if self.metric not in self.candidates:
            raise ValueError(f"demo '{self.goal}': metric '{self.metric}' is not one of its candidates")
        return self


class PromptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    system: str
    user: str
    guidance_line: str
    example_line: str
    context_line: str
    retry: str
    example_style: str = "list"  # "list": examples inside the user message; "turns": as prior chat turns
    example_user: str = "Goal: {goal}"
    candidate_line: str = "- {name}"
    example_metric: bool = True  # retrieved example turns show their metric (the enum keeps it from being copied)
    demos: list[Demo] = []  # fixed choice demonstrations, right after the system prompt (cached prefix)
    examples: list[tuple[str, str]] = []  # (user message, answer) pairs shown as prior turns (few-shot)

    @model_validator(mode="after")
    def _has_variables(self) -> PromptFile:
        used = {f for _, f, _, _ in string.Formatter().parse(self.user) if f}
        missing = REQUIRED_FIELDS.get(self.name, set()) - used
        if missing:
            raise ValueError(f"user template lacks {sorted(missing)}")
        return self

    def render_user(self, **values: str) -> str:
        try:
            return self.user.format(**values)
        except KeyError as exc:
            raise ConfigurationError(f"prompt '{self.name}': no value for variable {exc}") from exc


@cache
def load_prompt(name: str) -> PromptFile:
    """Load ``assistant/prompts/<name>.yaml``; a broken file fails with its name and the field."""
    path = resources.files("assistant.prompts") / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PromptFile.model_validate(data)
    except FileNotFoundError as exc:
        raise ConfigurationError(f"prompt file {name}.yaml not found") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise ConfigurationError(f"prompt file {name}.yaml is invalid: {exc}") from exc
