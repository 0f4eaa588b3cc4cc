"""Who may reach the app: the exposure rules as a table, and the launched app enforcing them."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from assistant import handlers as H
from assistant.chain import ReviewChain
from assistant.errors import ConfigurationError
from assistant.exposure import check_exposure, is_loopback
from assistant.settings import Settings
from tests.fakes import FakeToolModel

OPEN = "OKR_UI_ALLOW_OPEN"


@pytest.mark.parametrize(
    ("host", "user", "password", "allow_open", "auth", "writes", "outcome"),
    [
        ("127.0.0.1", None, None, False, None, True, None),
        ("localhost", None, None, False, None, True, None),
        ("::1", None, None, False, None, True, None),
        ("127.0.0.2", None, None, False, None, True, None),
        ("0.0.0.0", None, None, False, None, None, "no login is set"),
        ("::", None, None, False, None, None, "no login is set"),
        ("192.168.1.20", None, None, False, None, None, "OKR_UI_ALLOW_OPEN=1"),
        ("myhost.example", None, None, False, None, None, "OKR_UI_USERNAME and OKR_UI_PASSWORD"),
        ("0.0.0.0", None, None, True, None, False, "warning:adding team examples is switched off"),
        ("0.0.0.0", "ana", "s3cret", False, ("ana", "s3cret"), True, "warning:plain HTTP"),
        ("0.0.0.0", "ana", "s3cret", True, ("ana", "s3cret"), True, "warning:plain HTTP"),
        ("127.0.0.1", "ana", "s3cret", False, ("ana", "s3cret"), True, None),
        ("127.0.0.1", "ana", None, False, None, None, "OKR_UI_USERNAME is set but OKR_UI_PASSWORD is not"),
        ("0.0.0.0", None, "s3cret", True, None, None, "OKR_UI_PASSWORD is set but OKR_UI_USERNAME is not"),
        ("0.0.0.0", "", "", False, None, None, "no login is set"),  # empty values are no login
    ],
)
def test_check_exposure(
    host: str,
    user: str | None,
    password: str | None,
    allow_open: bool,
    auth: tuple[str, str] | None,
    writes: bool | None,
    outcome: str | None,
) -> None:
    settings = Settings(ui_host=host, ui_username=user, ui_password=password, ui_allow_open=allow_open)
    if writes is None:  # refused, with the fix in the message
        with pytest.raises(ConfigurationError, match=outcome):
            check_exposure(settings)
        return
    policy = check_exposure(settings)
    assert (policy.auth, policy.allow_writes) == (auth, writes)
    if outcome and outcome.startswith("warning:"):
        assert policy.warning and outcome.removeprefix("warning:") in policy.warning
    else:
        assert policy.warning is None


def test_allow_open_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OKR_UI_HOST", "0.0.0.0")
    monkeypatch.setenv(OPEN, "1")
    assert check_exposure(Settings()).allow_writes is False


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("[::1]", True), ("10.0.0.1", False)])
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# ------------------------------------------------------------------------------------------- the app


@pytest.fixture
def service(settings: Settings, index: object) -> H.AppService:
    chain = ReviewChain(FakeToolModel(), index, settings, model_label="fake")  # type: ignore[arg-type]
    return H.AppService(settings=settings, factory=lambda s: chain, model_label="fake")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_names(demo: object) -> set[str]:
    return {d.get("api_name") for d in demo.config["dependencies"]}  # type: ignore[attr-defined]


def test_launch_refuses_an_unprotected_network_address(service: H.AppService) -> None:
    import ui

    service.settings.ui_host, service.settings.ui_port = "0.0.0.0", free_port()
    with pytest.raises(ConfigurationError, match="no login is set"):
        ui.launch(service, prevent_thread_lock=True, quiet=True)
    with socket.socket() as s:  # nothing was bound
        s.bind(("127.0.0.1", service.settings.ui_port))


def test_open_mode_has_no_endpoint_that_writes_files(service: H.AppService) -> None:
    import ui

    assert "add_example" in api_names(ui.build_app(service))
    service.allow_writes = False
    assert "add_example" not in api_names(ui.build_app(service))
    assert {"review_goal", "review_roadmap", "chat", "roadmap"} <= api_names(ui.build_app(service))


@pytest.fixture
def app_with_login(service: H.AppService) -> Iterator[str]:
    import ui

    s = service.settings
    s.ui_host, s.ui_port, s.ui_username, s.ui_password, s.ui_concurrency = "127.0.0.1", free_port(), "ana", "pw", 2
    demo = ui.launch(service, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{s.ui_port}/"
    demo.close()


def test_login_is_required_and_a_wrong_one_rejected(app_with_login: str) -> None:
    with httpx.Client(base_url=app_with_login, timeout=30) as http:
        assert http.get("config").status_code == 401
        assert http.post("login", data={"username": "ana", "password": "wrong"}).status_code >= 400
        assert http.post("login", data={"username": "bob", "password": "pw"}).status_code >= 400
        assert http.get("config").status_code == 401
        assert http.post("login", data={"username": "ana", "password": "pw"}).status_code == 200
        assert http.get("config").status_code == 200


def test_logged_in_clients_are_served_concurrently(app_with_login: str) -> None:
    from gradio_client import Client

    goals = ["Launch the onboarding flow", "Improve retention of new teams", "Publish 10 help videos"]
    rows: dict[str, dict] = {}

    def ask(goal: str) -> None:
        client = Client(app_with_login, auth=("ana", "pw"), verbose=False)
        rows[goal] = client.predict(goal, "", api_name="/review_goal")

    threads = [threading.Thread(target=ask, args=(g,)) for g in goals]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(rows) == sorted(goals)
    assert all(rows[g]["goal"] == g for g in goals)  # each session got its own answer
