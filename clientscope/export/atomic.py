"""All-or-nothing file output: a temporary file beside the target, renamed over it when complete."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from clientscope.export.spec import ExportError


def describe(exc: BaseException) -> str:
    """A short reason for a failure: the OS's words for an OSError, else the exception's message."""
    cause = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], OSError) else exc  # xlsxwriter wraps
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(cause) or type(cause).__name__


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write; on success it replaces `target`, on any error it is removed.

    The temporary file lives in the target's folder so the final `os.replace` is a rename on the
    same file system (atomic), and readers never see a half-written workbook. Errors become
    `ExportError("cannot write <target>: <reason>")`; an ExportError from the body passes unchanged.
    """
    temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 lets the umask decide the final permissions, as for any file the user saves.
        descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {describe(exc)}") from exc
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, ExportError) or not isinstance(exc, Exception):
            raise
        raise ExportError(f"cannot write {target}: {describe(exc)}") from exc
