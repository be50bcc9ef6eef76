"""Tag and status management: create, read, rename, recolour, delete (and what deleting does to
the prospects that carried them), against the demo through the client."""

from __future__ import annotations

import httpx
import pytest

from tui.api import ApiError, Conflict, NotFound, V1Client
from tui.demo import DemoApi


@pytest.mark.parametrize("kind", ["tag", "status"])
async def test_lifecycle(client: V1Client, demo_api: DemoApi, kind: str) -> None:
    create = getattr(client, f"create_{kind}")
    update = getattr(client, f"update_{kind}")
    delete = getattr(client, f"delete_{kind}")
    get = getattr(client, f"get_{kind}")
    listing = client.list_tags if kind == "tag" else client.list_statuses

    made = await create("Needs demo", "#14b8a6")
    assert (made.name, made.color) == ("Needs demo", "#14b8a6")
    assert made.id in {x.id for x in await listing()}
    assert (await get(made.id)).name == "Needs demo"
    named = await create("Warm", "amber")
    assert named.color == "#f59e0b"  # stored and answered as hex

    renamed = await update(made.id, name="Demo booked")
    assert renamed.name == "Demo booked" and renamed.color == "#14b8a6"  # colour untouched
    recoloured = await update(made.id, color="blue")
    assert recoloured.name == "Demo booked" and recoloured.color == "#3b82f6"

    with pytest.raises(Conflict):
        await create("demo BOOKED")  # names are unique within the team, whatever the case
    with pytest.raises(ApiError) as info:
        await update(made.id, color="not-a-colour")
    assert info.value.status == 400 and "hex" in info.value.message
    with pytest.raises(ValueError):
        await create("   ")

    await delete(made.id)
    with pytest.raises(NotFound):
        await get(made.id)
    assert made.id not in {x.id for x in await listing()}


async def test_deleting_a_tag_takes_it_off_every_prospect(
    client: V1Client, demo_api: DemoApi
) -> None:
    tag = (await client.list_tags())[0]
    carriers = [p.external_id for p in demo_api.store.prospects.values() if tag.id in p.tags]
    assert carriers
    await client.delete_tag(tag.id)
    for prospect_id in carriers[:5]:
        assert tag.id not in (await client.get_prospect(prospect_id)).context.tags
    with pytest.raises(NotFound):
        thread = (await client.list_threads()).threads[0]
        assert thread.prospect.external_id
        await client.update_prospect_context(thread.prospect.external_id, add_tags=[tag.id])


async def test_deleting_a_status_clears_it(client: V1Client, demo_api: DemoApi) -> None:
    status = (await client.list_statuses())[0]
    carriers = [
        p.external_id for p in demo_api.store.prospects.values() if p.status_id == status.id
    ]
    assert carriers
    await client.delete_status(status.id)
    for prospect_id in carriers[:5]:
        assert (await client.get_prospect(prospect_id)).context.status_id is None


async def test_colour_lists(client: V1Client) -> None:
    for kind in (None, "tags", "statuses"):
        names = {c.name for c in await client.list_colors(kind)}
        assert {"red", "blue", "green"} <= names


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 256},
        {"name": "ok", "color": 5},
        {"name": "ok", "colour": "red"},
        {"name": "ok", "color": "#12345"},
    ],
)
async def test_invalid_bodies_are_400(demo_api: DemoApi, body: dict[str, object]) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_api.asgi), base_url="http://demo"
    ) as raw:
        for path in ("/tags", "/statuses"):
            response = await raw.post(path, json=body, headers={"Authorization": "Bearer demo"})
            assert response.status_code == 400, (path, body)
