"""Who may reach the app, decided before it binds: a pure function of the settings, tested with a table.

The app can write files (team examples join every later prompt), so it must not be open to a network by
accident: a non-loopback address needs a login, or an explicit ``OKR_UI_ALLOW_OPEN=1`` that turns writing off.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .errors import ConfigurationError
from .settings import Settings

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


@dataclass(frozen=True)
class ExposurePolicy:
    """How to launch: the login to require (or none), whether endpoints that write files exist, and a warning."""

    auth: tuple[str, str] | None
    allow_writes: bool
    loopback: bool
    warning: str | None = None


def is_loopback(host: str) -> bool:
    """True only for addresses that other machines cannot reach; unknown host names count as exposed."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings) -> ExposurePolicy:
    """Refuse an unprotected network bind; raise ``ConfigurationError`` with the fix, or return the policy."""
    user, password = settings.ui_username or None, settings.ui_password or None
    if bool(user) != bool(password):
        given, missing = ("OKR_UI_USERNAME", "OKR_UI_PASSWORD") if user else ("OKR_UI_PASSWORD", "OKR_UI_USERNAME")
        raise ConfigurationError(f"{given} is set but {missing} is not; set both to require a login, or neither")
    loopback = is_loopback(settings.ui_host)
    if user and password:
        warning = (
            None
            if loopback
            else (
                f"serving {settings.ui_host} with a login over plain HTTP: on an untrusted network put it behind an "
                "HTTPS reverse proxy so the password is not sent in the clear"
            )
        )
        return ExposurePolicy(auth=(user, password), allow_writes=True, loopback=loopback, warning=warning)
    if loopback:
        return ExposurePolicy(auth=None, allow_writes=True, loopback=True)
    if settings.ui_allow_open:
        return ExposurePolicy(
            auth=None,
            allow_writes=False,
            loopback=False,
            warning=(
                f"serving {settings.ui_host} without a login (OKR_UI_ALLOW_OPEN=1): anyone who can reach it can "
                "use it; adding team examples is switched off. Set OKR_UI_USERNAME and OKR_UI_PASSWORD to turn it on."
            ),
        )
    raise ConfigurationError(
        f"OKR_UI_HOST={settings.ui_host} is reachable from other machines and no login is set. Set "
        "OKR_UI_USERNAME and OKR_UI_PASSWORD, or OKR_UI_HOST=127.0.0.1 to stay local, or OKR_UI_ALLOW_OPEN=1 "
        "to serve it without a login and with adding examples switched off"
    )
