"""One exception hierarchy, so callers can catch ``OutcomeLensError`` and show ``str(err)`` as-is.

Every message says what went wrong *and* how to fix it.
"""

from __future__ import annotations


class OutcomeLensError(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(OutcomeLensError):
    """A setting is wrong or a needed package is missing."""


class UnknownModelError(ConfigurationError):
    """The model setting names nothing we can build."""


class MissingPackageError(ConfigurationError):
    """A provider's package is not installed; the message names the pip command."""

    def __init__(self, provider: str, package: str) -> None:
        super().__init__(
            f"The model provider '{provider}' needs the package '{package}'. "
            f"Install it with: .venv/bin/pip install {package}"
        )
        self.provider = provider
        self.package = package


class StorageError(ConfigurationError):
    """A file or folder the product writes cannot be written (read-only, full disk, held lock)."""


class KnowledgeError(OutcomeLensError):
    """A knowledge file is malformed; the message names the file and the field."""


class InputError(OutcomeLensError):
    """A goal cannot be reviewed as given (empty, too long, binary, or instructs the model)."""


class ModelOutputError(OutcomeLensError):
    """The model did not produce a valid review after all retries.

    Carries the attempts and the last raw answer so the failure can be diagnosed.
    """

    def __init__(self, message: str, attempts: int, last_raw: str | None = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_raw = last_raw
