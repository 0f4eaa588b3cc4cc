"""One browser test on the real embedded model: the README's first command, minus the fake."""

from __future__ import annotations

import pytest

from assistant.settings import Settings
from tests.browser.conftest import launch_app, shot

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_chat_on_the_local_model(browser: object, tmp_path_factory: pytest.TempPathFactory) -> None:
    import ui

    tmp = tmp_path_factory.mktemp("realui")
    service = ui.default_service(Settings(chroma_dir=tmp / "chroma", team_examples_file=tmp / "team.yaml"))
    demo, url = launch_app(service)
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 1000})  # type: ignore[attr-defined]
        page.goto(url)
        assert "Qwen2.5" in page.locator("#header").inner_text()
        page.locator("#chat-input textarea").fill("Publish 12 blog posts this quarter")
        page.locator("#chat-send").click()
        page.locator("#chatbot").get_by_text("Why:").first.wait_for(timeout=180_000)
        text = page.locator("#chatbot").inner_text()
        assert "OUTPUT" in text or "OUTCOME" in text
        shot(page, "chat_local_model.png")
        page.close()
    finally:
        demo.close()  # type: ignore[attr-defined]
