"""A written record of every request from inbox-tui's own client that the API's description
does not allow, for the test suite to fail on (tests/conftest.py names the file in
INBOX_TUI_SPEC_AUDIT for the demo in-process and in every child process it starts).

Requests a test makes by hand (to see the demo refuse them) carry another User-Agent and are
not recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

AUDIT_ENV = "INBOX_TUI_SPEC_AUDIT"
CLIENT_AGENT = "inbox-tui"  # what tui/api/http.py sends


def record(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    body: bytes,
    problem: str,
) -> None:
    target = os.environ.get(AUDIT_ENV)
    if not target or headers.get("user-agent") != CLIENT_AGENT:
        return
    entry: dict[str, Any] = {
        "request": f"{method} {path}",
        "query": list(query),
        "headers": {k: v for k, v in headers.items() if k.lower() != "authorization"},
        "body": body.decode("utf-8", "replace")[:2000],
        "problem": problem,
    }
    with open(target, "a", encoding="utf-8") as file:
        file.write(json.dumps(entry) + "\n")
