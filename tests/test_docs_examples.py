"""Every JSON example in the API docs parses into its model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from tests.conftest import API_DOCS
from tui.core.model import (
    AccountLink,
    Member,
    Message,
    Prospect,
    ProspectContext,
    Status,
    Tag,
    Thread,
    ThreadPage,
)


def json_examples(path: Path) -> list[str]:
    """Top-level JSON objects in a docs page: lines from `{` at column 0 to its closing brace."""
    lines = path.read_text(encoding="utf-8").splitlines()
    examples, i = [], 0
    while i < len(lines):
        if lines[i].startswith("{"):
            depth, block = 0, []
            for j in range(i, len(lines)):
                block.append(lines[j])
                depth += lines[j].count("{") - lines[j].count("}")
                if depth == 0:
                    break
            examples.append("\n".join(block))
            i = j + 1
        else:
            i += 1
    return examples


def load_example(text: str) -> object:
    """The docs elide parts with a bare "..." string: drop those placeholders."""
    text = re.sub(r'\{\s*"\.\.\."\s*\}', "{}", text)
    text = re.sub(r',\s*"\.\.\."\s*(?=[}\]])', "", text)
    return json.loads(text)


def classify(example: dict[str, object]) -> type[BaseModel]:
    if "threads" in example and "nextCursor" in example:
        return ThreadPage
    if set(example) == {"context"}:
        return ProspectContext
    if "lastMessage" in example:
        return Thread
    if "authorId" in example:
        return Message
    if "displayName" in example:
        return Prospect
    if "role" in example:
        return Member
    if "username" in example:
        return AccountLink
    if "createdAt" in example:
        return Status
    return Tag


EXAMPLES = [
    (page.name, n, text)
    for page in sorted(API_DOCS.glob("0[123]-*.txt"))
    for n, text in enumerate(json_examples(page))
]


def test_docs_have_examples() -> None:
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(("page", "n", "text"), EXAMPLES, ids=[f"{p}#{n}" for p, n, _ in EXAMPLES])
def test_example_parses(page: str, n: int, text: str) -> None:
    data = load_example(text)
    assert isinstance(data, dict)
    model = classify(data)
    payload = data["context"] if model is ProspectContext else data
    parsed = model.model_validate(payload)
    # Every field the example gives is read, under its snake_case name or kept as an extra.
    dumped = parsed.model_dump(by_alias=True)
    assert set(payload) <= set(dumped) | set(parsed.model_extra or {})


def test_thread_example_details() -> None:
    overview = API_DOCS / "01-overview.txt"
    thread = Thread.model_validate(load_example(json_examples(overview)[0]))
    assert thread.id == "l44e15irdq4db30i77cgphhx"
    assert thread.variant == "xChat"
    assert thread.last_message is not None
    assert thread.last_message.author_id == "hzcai5t59nn9vsck3rbuepyg"
    assert thread.last_message_timestamp is not None
    assert thread.last_message_timestamp.tzinfo is not None


def test_prospect_example_details() -> None:
    prospect = Prospect.model_validate(
        load_example(json_examples(API_DOCS / "03-prospects.txt")[0])
    )
    assert prospect.display_name == "Jordan Rivera"
    assert prospect.follower_count == 12400
    assert prospect.context.tags == ["t8rvk2m5j0xn4wq7ybftcael"]
    assert prospect.context.valuation == 50000
    assert prospect.context.threads is not None
    assert prospect.context.threads[0].account_link_id == "df6jbw4h36qm5d9iu2sgn7kx"
    assert prospect.profile_by_id_url == "https://x.com/i/user/1876543210987654321"
