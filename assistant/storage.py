"""Safe writes for every file the product owns: atomic (temp file, fsync, rename) and locked across processes.

A plain ``write_text`` truncates first, so a crash or a second writer leaves a half file; here a reader sees
the old file or the new one, never a mix, and writers take turns through a lock file next to the target.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from filelock import FileLock, Timeout

from .errors import StorageError

LOCK_TIMEOUT = 60.0


def lock_path(path: Path) -> Path:
    """The lock file that guards ``path`` (a sibling, so it survives the target being renamed)."""
    return path.with_name(path.name + ".lock")


def _unwritable(path: Path, exc: OSError, hint: str) -> StorageError:
    return StorageError(f"cannot write {path} ({exc.strerror or exc}); {hint}")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT, hint: str = "check the folder's permissions") -> Iterator[None]:
    """Hold the cross-process lock for ``path``; re-entrant within a thread, exclusive across threads."""
    lock_file = lock_path(path)
    try:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_file, is_singleton=True)  # one per file: re-entrant in a thread, exclusive across
        lock.acquire(timeout=timeout)
    except Timeout as exc:
        raise StorageError(
            f"{path} stayed locked for {timeout:.0f}s by another Outcome Lens process; "
            f"wait for it to finish, or delete {lock_file} if no other process is running"
        ) from exc
    except OSError as exc:
        raise _unwritable(lock_file, exc, hint) from exc
    try:
        yield
    finally:
        lock.release()


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_writer(
    path: Path, mode: str = "w", hint: str = "check the folder's permissions", encoding: str | None = "utf-8"
) -> Iterator[IO]:
    """Yield a temp file in ``path``'s folder; on success fsync it and rename it over ``path``.

    The temp name starts with '.' and ends with '.tmp', so loaders globbing ``*.yaml`` never pick it up.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise _unwritable(path, exc, hint) from exc
    tmp = Path(tmp_name)
    try:
        with open(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644 if not path.exists() else path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM, errno.ENOSPC):
            raise _unwritable(path, exc, hint) from exc
        raise
    _fsync_dir(folder)


def atomic_write_text(path: Path, text: str, hint: str = "check the folder's permissions") -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step: readers never see a partial file."""
    with atomic_writer(path, "w", hint=hint) as handle:
        handle.write(text)


def set_aside(path: Path, reason: str = "bak") -> Path:
    """Rename a damaged file to ``<name>.<UTC timestamp>.bak`` (kept, never deleted) and return the new path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.{stamp}.{reason}")
    os.replace(path, target)
    return target


DOWNLOADS_DIRNAME = "outcome-lens-downloads"
DOWNLOADS_MAX_AGE = 24 * 3600.0


def download_folder(prefix: str, max_age: float = DOWNLOADS_MAX_AGE) -> Path:
    """A fresh folder for one run's download files, under one app-owned home in the temp folder.

    A long-running UI writes a folder per bulk run; folders older than ``max_age`` seconds are removed here, so the
    temp folder does not fill up (a user has long since downloaded or lost those files).
    """
    home = Path(tempfile.gettempdir()) / DOWNLOADS_DIRNAME
    home.mkdir(parents=True, exist_ok=True)
    cutoff = datetime.now(UTC).timestamp() - max_age
    for old in home.iterdir():
        with contextlib.suppress(OSError):
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=home))
