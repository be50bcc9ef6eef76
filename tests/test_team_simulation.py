"""bench/team.py, the team's day on the demo's three windows: its model follows the app's own
schedule (a change to the app's pacing shows in it), and its figures add up."""

from __future__ import annotations

import bisect

from bench.team import DMS_A_DAY, HOUR, PAGE, WRITES, Team, simulate
from tui.core.config import Settings
from tui.relay.schedule import (
    LOG_EVERY,
    LOG_EVERY_WITH_WEBHOOKS,
    REFRESH_REQUESTS,
    RELAY_SHARE,
)


def test_one_client_walks_at_the_mirrors_share_and_never_meets_a_429() -> None:
    team = Team(1, threads=600)
    tally = team.run()
    client = team.clients[0]
    assert client.walked_at is not None and tally.refused == 0 and tally.actions_refused == 0
    per_minute = int(300 * Settings().mirror_share)
    walk_minutes = team.walk / per_minute
    took = (client.walked_at - client.day.start) / 60
    assert walk_minutes <= took <= walk_minutes * 1.25  # (plus the rests after each key)
    assert sum(tally.per_hour) == tally.requests


def test_twenty_clients_leave_a_third_of_the_hour_to_their_people() -> None:
    """#39's rule for clients on their own: background work (the walk, the log, live updates)
    leaves the last third of the tightest window to the people (RateLimitInfo.scarce): with
    twenty clients walking, the hour fills to about two-thirds and stays there, and not one
    action is refused."""
    row = simulate(20, threads=3000)
    assert 60 <= row["busiest hour (% of 10,000)"] <= 80
    assert row["people's actions"] > 4000
    assert row["actions that met a 429"] == 0
    assert row["refused (429) in the day"] == 0


def test_a_relay_walks_once_for_the_team_within_its_share_of_each_window() -> None:
    """#39's relay: with fifty clients the team spends a fraction of what fifty clients on
    their own do, the relay's own requests never pass RELAY_SHARE of the minute, the hour or
    the day, its walk (everyone's search) is done by mid-afternoon, and not one of the
    people's actions (their writes, forwarded) meets a 429."""
    team = Team(50, threads=10_000, relay=True)
    tally = team.run()
    relay = team.relay
    assert relay is not None and relay.walked_at is not None
    # From 9:00 at 2,400 an hour (the walk leaves a fifth of the relay's 3,000 to events).
    assert relay.walked_at < 15 * HOUR
    spent = relay.spent
    for seconds, limit in ((60, 300), (3600, 10_000), (86400, 100_000)):
        most = max(bisect.bisect_left(spent, t + seconds) - i for i, t in enumerate(spent))
        assert most <= int(limit * RELAY_SHARE), (seconds, most)
    assert relay.owed == 0  # every event refreshed
    assert tally.refused == 0 and tally.actions_refused == 0 and tally.actions > 10_000
    # The rest is the people's writes, one request each.
    assert tally.requests - len(spent) < tally.actions / 4

    alone, with_relay = simulate(50, threads=10_000), simulate(50, 10_000, relay=True)
    assert int(with_relay["requests in the day"]) < int(alone["requests in the day"]) / 3
    assert int(with_relay["busiest hour (% of 10,000)"]) <= 40
    assert with_relay["actions that met a 429"] == 0
    assert with_relay["people's actions"] == alone["people's actions"]  # the same day's script
    assert float(with_relay["search complete for all, after (h)"]) < 6
    assert str(alone["search complete for all, after (h)"]).startswith("no")


def test_with_a_relay_reading_costs_nothing_and_each_write_one_request_and_its_refresh() -> None:
    """A small team on a small demo: the relay's walk is its pages and its threads, each DM
    and each reply is refreshed once for everyone (REFRESH_REQUESTS), and the clients' own
    reads, live updates and walks are not in the team's count."""
    team = Team(5, threads=600, relay=True)
    tally = team.run()
    relay = team.relay
    assert relay is not None and relay.walked_at is not None
    writes = tally.requests - len(relay.spent)
    assert 0 < writes < tally.actions
    walk = 600 // PAGE + 600
    events = DMS_A_DAY * REFRESH_REQUESTS["message"] + writes * REFRESH_REQUESTS[WRITES["reply"]]
    after = len(relay.spent) - walk - events  # the event log and the importing threads
    hours_after = (24 * HOUR - relay.walked_at) / HOUR
    assert hours_after * 3600 / LOG_EVERY_WITH_WEBHOOKS < after
    assert after < hours_after * 3600 / LOG_EVERY + 100
    assert all(client.walked_at is None for client in team.clients)
