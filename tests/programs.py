"""External programs the tests drive (msgfmt, msgmerge...).

Outside CI a missing program skips the test with the reason; under CI it is a
failure, so a broken CI image cannot pass by skipping.
"""

from __future__ import annotations

import os
import shutil

import pytest


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def need(program: str) -> str:
    """The path of `program`; skip (locally) or fail (in CI) when it is not installed."""
    path = shutil.which(program)
    if path is None:
        message = f"{program} is not installed"
        if under_ci():
            pytest.fail(message + "; CI must provide it")
        pytest.skip(message)
    return path


def need_file(path: str, package: str) -> str:
    """A file a Debian package ships; skip (locally) or fail (in CI) when it is missing."""
    if not os.path.isfile(path):
        message = f"{path} is missing (Debian package {package})"
        if under_ci():
            pytest.fail(message + "; CI must provide it")
        pytest.skip(message)
    return path
