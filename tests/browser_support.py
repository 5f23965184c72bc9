"""What the browser tests share: the system's Chromium, and whether a missing browser skips or fails.

Debian's ``chromium`` package is used (Playwright's own browser download is not); ``.ci/run``
installs it and sets ``INCENTIVES_REQUIRE_BROWSER=1``, so there the tests must run, never skip.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

__all__ = ["NO_CHROMIUM", "REQUIRED", "chromium", "missing"]

#: Set by ``.ci/run`` where it installed a Chromium: the browser tests must run there, never skip.
REQUIRED = os.environ.get("INCENTIVES_REQUIRE_BROWSER") == "1"

NO_CHROMIUM = "no Chromium is installed (Debian: apt-get install chromium; .ci/run installs it)"


def chromium() -> str | None:
    """The system's Chromium (Debian's package), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing(reason: str) -> NoReturn:
    """Skip with the reason, or fail where the browser tests are required."""
    if REQUIRED:
        pytest.fail(f"INCENTIVES_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
