"""bench/team.py, the team's day on the demo's three windows: its model follows the app's own
schedule (a change to the app's pacing shows in it), and its figures add up."""

from __future__ import annotations

from bench.team import Team, simulate
from tui.core.config import Settings


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
