"""Model behaviour beyond the docs' examples: tolerance, open enums, timestamps, direction."""

from __future__ import annotations

import contextlib
from datetime import UTC

from hypothesis import given
from hypothesis import strategies as st

from tui.core.model import Message, Prospect, Thread, is_outbound_author


def test_unknown_fields_are_kept() -> None:
    thread = Thread.model_validate({"id": "abc", "brandNewField": {"x": 1}})
    assert thread.model_extra == {"brandNewField": {"x": 1}}


def test_open_enums_accept_new_values() -> None:
    prospect = Prospect.model_validate(
        {"verified": "platinum", "profileType": "creator", "source": "psychic"}
    )
    assert prospect.verified == "platinum"
    msg = Message.model_validate({"id": "m", "origin": "carrier-pigeon"})
    assert msg.origin == "carrier-pigeon"


def test_timestamps_are_timezone_aware() -> None:
    naive = Message.model_validate({"id": "m", "createdAt": "2025-01-15T10:30:00"})
    zulu = Message.model_validate({"id": "m", "createdAt": "2025-01-15T10:30:00.000Z"})
    assert naive.created_at == zulu.created_at
    assert zulu.created_at is not None and zulu.created_at.tzinfo is not None
    assert zulu.created_at.astimezone(UTC).hour == 10


def test_snake_case_in_python_camel_case_on_the_wire() -> None:
    thread = Thread(id="t1", account_link_id="a1", is_request=True)
    wire = thread.to_wire()
    assert wire["accountLinkId"] == "a1"
    assert wire["isRequest"] is True
    assert "account_link_id" not in wire


def test_direction_comes_from_author_id_not_user_id() -> None:
    links = frozenset({"link1", "link2"})
    sent_from_x_app = Message.model_validate({"id": "m", "authorId": "link2", "userId": None})
    from_prospect = Message.model_validate({"id": "m", "authorId": "prospect9", "userId": None})
    assert sent_from_x_app.is_outbound(links)
    assert not from_prospect.is_outbound(links)


@given(st.text(), st.frozensets(st.text(min_size=1)))
def test_direction_is_membership(author: str, links: frozenset[str]) -> None:
    assert is_outbound_author(author, links) == (author in links)


@given(
    st.dictionaries(
        st.sampled_from(
            ["id", "content", "authorId", "userId", "origin", "isEdited", "reactions", "extra"]
        ),
        st.one_of(st.none(), st.text(), st.booleans(), st.integers(), st.lists(st.text())),
    )
)
def test_message_parsing_never_crashes_unexpectedly(data: dict[str, object]) -> None:
    """Parsing either succeeds or raises pydantic's ValidationError, never anything else."""
    from pydantic import ValidationError

    with contextlib.suppress(ValidationError):
        Message.model_validate(data)
