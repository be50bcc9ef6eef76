"""The pipeline board, lead scores on the list, and the CRM hand-off (client, demo CRM, app)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from tests.app_helpers import make_app, painted_text, settle
from tests.test_actions import notifications, reader
from tui.api.errors import ApiError, AuthError
from tui.core.config import ScoreSettings
from tui.core.model import Prospect
from tui.core.query import IdFilter
from tui.core.scoring import ScoreWeights, lead_score
from tui.crm.client import CrmClient
from tui.crm.handoff import crm_body, role_from_bio, split_name
from tui.demo.crm import DEMO_CRM_BASE_URL, DEMO_CRM_KEY, DEMO_STAGE_MAP, DemoCrm, valid_phone
from tui.ui.screens.board import NO_STATUS, BoardScreen

# --- the board --------------------------------------------------------------------------------


async def test_board_columns_cards_and_moves(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        board = screen.board
        names = [c.name for c in board.columns]
        assert names == [s.name for s in app.directory.statuses.values()] + ["No status"]
        # One card per prospect, each in its status' column.
        cards = [c for column in board.cards.values() for c in column]
        prospects = [c.prospect.external_id for c in cards]
        assert len(prospects) == len(set(prospects)) == len(board.seen_prospects)
        for status_id, column in board.cards.items():
            assert all((c.prospect.context.status_id or NO_STATUS) == status_id for c in column)
        header = painted_text(board)
        first = board.columns[0]
        total = sum(c.prospect.context.valuation or 0 for c in board.cards[first.status_id])
        assert f"{first.name}  {len(board.cards[first.status_id])}" in header
        assert f"${total:,.0f}" in header or total == 0
        # Move the first card of the first column to the next status.
        card = board.current
        assert card is not None and card.prospect.external_id
        await pilot.press("greater_than_sign")
        await settle(pilot)
        server = await reader(api).get_prospect(card.prospect.external_id)
        assert server.context.status_id == board.columns[1].status_id
        assert board.column == 1 and board.current is not None
        assert board.current.id == card.id
        await pilot.press("H")  # and back
        await settle(pilot)
        server = await reader(api).get_prospect(card.prospect.external_id)
        assert server.context.status_id == board.columns[0].status_id


async def test_board_says_where_the_columns_that_do_not_fit_are(data_dir: Path) -> None:
    """At 80 columns three of the six status columns fit: the board says the others are to
    the side and how to reach them."""
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        board = app.screen.board  # type: ignore[attr-defined]
        assert len(board.columns) == 6
        painted = painted_text(board)
        assert "Columns 1–3 of 6  3 more to the right (l) ▶" in painted
        assert "to the left" not in painted
        for _ in range(5):
            await pilot.press("l")
        await settle(pilot)
        painted = painted_text(board)
        assert "Columns 4–6 of 6  ◀ 3 more to the left (h)" in painted
        assert "to the right" not in painted
    app, _ = make_app(data_dir=data_dir)
    async with app.run_test(size=(150, 40)) as pilot:  # all six fit: nothing to say
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        assert "Columns" not in painted_text(app.screen.board)  # type: ignore[attr-defined]


async def test_board_pages_lazily_and_enter_opens(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        before = len(api.request_log)
        await pilot.press("P")
        await settle(pilot)
        assert len(api.request_log) == before + 1  # one page of 100 to start
        board = app.screen.board  # type: ignore[attr-defined]
        first_count = len(board.seen_prospects)
        for _ in range(60):
            await pilot.press("j")
        await settle(pilot)
        assert len(api.request_log) > before + 1 and len(board.seen_prospects) > first_count
        card = board.current
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, BoardScreen)
        assert app.message_view.thread is not None and app.message_view.thread.id == card.id


async def test_a_refused_move_goes_back(data_dir: Path) -> None:
    from tui.demo import Fault

    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await settle(pilot)
        board = app.screen.board  # type: ignore[attr-defined]
        card = board.current
        api.faults.add(Fault(status=500, method="PATCH"))
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert board.column == 0 and board.current.id == card.id
        assert any(n.startswith("Not moved") for n in notifications(app))


# --- lead scores ------------------------------------------------------------------------------


def test_weights_and_keywords_come_from_the_config() -> None:
    prospect = Prospect.model_validate(
        {
            "followerCount": 20_000,
            "verified": "none",
            "bio": "Chief Revenue Officer",
            "websiteUrl": "x",
        }
    )
    assert lead_score(prospect) == 20 + 10
    weights = ScoreWeights.from_settings(
        ScoreSettings(followers_10k=5, website=0, keywords=["Chief"])
    )
    assert lead_score(prospect, weights) == 5 + 25
    assert weights.maximum == 30 + 15 + 25 + 0


async def test_rows_show_scores_and_sort_or_hide_by_them(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        rows = app.thread_list.threads
        assert f"★{app.ranking.score(rows[0])}" in painted_text(app.thread_list)
        before = len(api.request_log)
        await pilot.press("percent_sign")
        await settle(pilot)
        scores = [app.ranking.score(t) for t in app.thread_list.threads]
        assert scores == sorted(scores, reverse=True) and len(scores) == 50
        await pilot.press("number_sign")
        await pilot.press(*"30", "enter")
        await settle(pilot)
        shown = app.thread_list.threads
        assert shown and all(app.ranking.score(t) >= 30 for t in shown)
        assert len(shown) + len(app.thread_list.hidden) == 50
        assert "score ≥ 30" in str(app.filter_chips.render())
        assert len(api.request_log) == before  # client-side: no request
        await pilot.press("percent_sign", "number_sign", "ctrl+u", "enter")
        await settle(pilot)
        assert [t.id for t in app.thread_list.threads] == [t.id for t in rows]


async def test_clearing_the_filters_clears_the_score_minimum_and_order(data_dir: Path) -> None:
    """The chips say "(F clears)" beside the score minimum and the score order: F does."""
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(130, 40)) as pilot:
        await settle(pilot)
        rows = [t.id for t in app.thread_list.threads]
        await pilot.press("percent_sign", "number_sign", *"30", "enter")
        await settle(pilot)
        chips = str(app.filter_chips.render())
        assert "score ≥ 30" in chips and "by lead score" in chips and "(F clears)" in chips
        before = len(api.request_log)
        await pilot.press("F")
        await settle(pilot)
        assert app.ranking.min_score is None and not app.ranking.by_score
        assert [t.id for t in app.thread_list.threads] == rows  # every loaded row, API order
        assert not app.thread_list.hidden and app.filter_chips.has_class("-empty")
        assert len(api.request_log) == before  # no filter was on: nothing to read again
        # With a filter on too, both go.
        tag = next(iter(api.store.tags))
        app.threads.show_query(replace(app.thread_query, tags=IdFilter((tag,))))
        await pilot.press("number_sign", *"30", "enter")
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        assert app.ranking.min_score is None and not app.thread_query.has_filters
        assert [t.id for t in app.thread_list.threads] == rows
        assert app.filter_chips.has_class("-empty")


# --- the CRM ----------------------------------------------------------------------------------


def demo_crm_client(crm: DemoCrm, key: str = DEMO_CRM_KEY) -> CrmClient:
    return CrmClient(DEMO_CRM_BASE_URL, key, transport=httpx.ASGITransport(app=crm.asgi))


async def test_demo_crm_filters_labels_and_limits() -> None:
    crm = demo_crm_client(DemoCrm())
    everyone = await crm.list_prospects(limit=100)
    assert everyone.total_count == 3
    page = await crm.list_prospects(labels=["Enterprise", "Partner"], limit=100)
    assert {p.name for p in page.prospects} == {"Viktor Duarte", "Nadia Yilmaz"}
    assert (await crm.list_prospects(name="jonas", stage="Qualified")).total_count == 1
    assert (await crm.list_prospects(name="jonas", stage="Proposal sent")).total_count == 0
    with pytest.raises(ValueError):
        await crm.list_prospects(labels=[str(i) for i in range(11)])
    raw = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=DemoCrm().asgi),
        base_url=DEMO_CRM_BASE_URL,
        headers={"Authorization": f"Bearer {DEMO_CRM_KEY}"},
    )
    default = (await raw.get("/prospects")).json()
    assert len(default["prospects"]) == 1 and default["totalCount"] == 3  # documented default
    commas = (
        await raw.get("/prospects", params={"label": "Enterprise,Partner", "limit": 9})
    ).json()
    assert commas["totalCount"] == 2
    eleven = ",".join(str(i) for i in range(11))
    assert (await raw.get("/prospects", params={"label": eleven})).status_code == 400
    with pytest.raises(AuthError):
        await demo_crm_client(DemoCrm(), key="wrong").list_prospects()


async def test_demo_crm_create_update_and_the_phone_warning() -> None:
    crm = demo_crm_client(DemoCrm())
    made = await crm.upsert_prospect(
        {"firstName": "Ada", "lastName": "Lovelace", "phone": "(055) 123-4567", "labels": "A,B"}
    )
    assert made.phone is None and made.message and "phone" in made.message
    assert made.labels == ["A", "B"] and isinstance(made.created_at, int)
    assert made.created_at > 1_600_000_000_000  # milliseconds
    again = await crm.upsert_prospect({"firstName": "Ada", "lastName": "Lovelace", "title": "X"})
    assert again.id == made.id and again.title is None  # update false: returned as it is
    updated = await crm.upsert_prospect(
        {
            "firstName": "Ada",
            "lastName": "Lovelace",
            "title": "Countess",
            "update": True,
            "stageId": "st_won",
            "phone": "+1 415 555 0100",
        }
    )
    assert updated.id == made.id and updated.title == "Countess"
    assert updated.current_stage == "Closed won" and updated.phone == "+14155550100"
    assert updated.message is None
    assert (await crm.get_prospect(made.id)).title == "Countess"
    with pytest.raises(ApiError):
        await crm.upsert_prospect({"firstName": "No last name"})
    assert valid_phone("212-555-0100") == "+12125550100" and valid_phone("123-456-7890") is None


def test_mapping_to_the_crm() -> None:
    assert split_name("Ada King Lovelace") == ("Ada", "King Lovelace")
    assert split_name("Cher") == ("Cher", "")
    assert role_from_bio("VP Sales at Granite. Angel investor.") == ("VP Sales", "Granite")
    assert role_from_bio("Just vibes and coffee") == (None, None)


async def test_c_hands_the_prospect_to_the_crm(data_dir: Path) -> None:
    app, _api = make_app(data_dir=data_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        assert app.backend is not None and app.backend.crm is not None
        thread = next(
            t
            for t in app.thread_list.threads
            if t.prospect.context.tags and t.prospect.context.status_id
        )
        app.thread_list.cursor = app.thread_list.threads.index(thread)
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        first, last = split_name(thread.prospect.display_name)
        found = await app.backend.crm.list_prospects(name=f"{first} {last}", limit=10)
        record = next(p for p in found.prospects if (p.first_name, p.last_name) == (first, last))
        status = app.directory.statuses[thread.prospect.context.status_id or ""].name
        assert record.current_stage_id == DEMO_STAGE_MAP.get(status)
        assert set(record.labels) == {
            app.directory.tags[t].name for t in thread.prospect.context.tags
        }
        assert any(n.startswith("Created in the CRM") for n in notifications(app))
        await pilot.pause(0.4)
        await settle(pilot)
        crm_text = str(app.sidebar.query_one("#sb-crm").render())
        assert record.name in crm_text
        await pilot.press("C")  # again: the match is updated, not duplicated
        await settle(pilot)
        again = await app.backend.crm.list_prospects(name=f"{first} {last}", limit=10)
        assert again.total_count == found.total_count
        assert any(n.startswith("Updated in the CRM") for n in notifications(app))


async def test_the_crm_warning_is_shown(data_dir: Path) -> None:
    app, api = make_app(data_dir=data_dir)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(pilot)
        thread = app.thread_list.threads[0]
        assert thread.prospect.external_id
        await reader(api).update_prospect_context(
            thread.prospect.external_id, notes="Office: (155) 010-2030"
        )
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press("C")
        await settle(pilot)
        assert any(n.startswith("CRM:") and "phone" in n for n in notifications(app))


def test_the_body_uses_the_pipeline_when_no_stage_is_mapped() -> None:
    from tui.core.directory import Directory
    from tui.core.model import Thread

    thread = Thread.model_validate(
        {"id": "t1", "prospect": {"displayName": "Ada Lovelace", "bio": "Founder at Engines."}}
    )
    body = crm_body(
        thread, Directory(), stage_map={}, pipeline_id="pl_1", user_id="u1", update=False
    )
    assert body == {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "update": False,
        "title": "Founder",
        "company": "Engines",
        "pipelineId": "pl_1",
        "userId": "u1",
    }
