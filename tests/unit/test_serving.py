"""Starting and stopping the team's servers (okr serve): the helpers, on tiny stand-in processes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant import cli, serving
from assistant.errors import ConfigurationError
from tests.browser.conftest import free_port


def test_start_waits_for_the_server_and_stop_ends_it(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(tmp_path)]
    proc = serving.start(command, f"http://127.0.0.1:{port}/", log=tmp_path / "log", timeout=30)
    assert proc.poll() is None
    serving.stop(proc)
    assert proc.poll() is not None


def test_a_server_that_dies_is_reported_with_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; print('no such model file'); sys.exit(3)"]
    with pytest.raises(ConfigurationError, match="code 3: no such model file"):
        serving.start(command, f"http://127.0.0.1:{free_port()}/", log=tmp_path / "log", timeout=30)


def test_model_server_command_serves_the_gguf_under_our_alias() -> None:
    command = serving.model_server_command(Path("/m/q.gguf"), "127.0.0.1", 8080, n_threads=2)
    assert command[1:3] == ["-m", "llama_cpp.server"]
    assert command[command.index("--model") + 1] == "/m/q.gguf"
    assert command[command.index("--model_alias") + 1] == serving.MODEL_ALIAS
    assert serving.server_extra_missing() is None  # part of the default install


def test_serve_says_how_to_install_the_server_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(serving, "server_extra_missing", lambda: "No module named 'sse_starlette'; install it")
    assert cli.main(["serve"]) == 2
    assert "sse_starlette" in capsys.readouterr().err
