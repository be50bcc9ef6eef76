"""What a whole team's inbox-tui costs the team's budget (#39, "measure first").

N clients of one team (1, 5, 20, 50) live through one working day, a Monday on which they all
install it, against the demo's own limiter (tui/demo/app.py's TeamLimits: the service's three
sliding windows, 300 a minute, 10,000 an hour and 100,000 a day) on a simulated clock, so the
day takes seconds. Each client follows a script drawn from its own seed: it starts between 9:00
and 9:30, acts (opens, view switches, replies, filters) every minute and a half or so, rests
through lunch and two one-hour meetings, and closes at about 18:00. What it asks of the service
follows the app's own schedule, read from the app's constants rather than copied:

- the start: the first page, the directory (team, members, tags, statuses, account links), and
  the event log's end;
- live updates (tui/ui/features/live.py): the event log every `poll_interval`, slowing by
  doubling up to MAX_BACKOFF after IDLE_AFTER without input, back at once on input; the page
  again when the log shows a new message (the team's DMs arrive through the working day);
- the mirror (tui/ui/features/mirror.py, on by default with API v2): its walk at
  `mirror_share` of the minute's budget, resting QUIET_AFTER_INPUT after a key, one request a
  page of threads and one a thread's messages; once walked, the event log every EVENTS_EVERY
  and the threads the service is still importing after SYNCING_RETRY, doubling each time;
- the mirror's own budget (tui/api/pacing.py's BackgroundBudget): its share of the team's
  minute, and a fifth of the hour and of the day;
- what the headers of a client's last answer say (RateLimitInfo.scarce: under a third of the
  tightest window left): the walk and the log wait, live updates slow to their idle pace;
- a refusal (429) is waited out as the client does (Retry-After); a person's action that meets
  one is counted, with the wait it added.

It prints, for each team size: the team's requests in its busiest hour and in the day, the
busiest share of each window, the people's actions that met a 429 and what that added, and how
long until every client's search is complete (its walk done). `python -m bench.team [THREADS]`
(default 10,000, the demo's large team); `--json` prints one JSON line.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from tui.api.http import RateLimitInfo, RetryPolicy
from tui.api.pacing import BackgroundBudget
from tui.core.config import Settings
from tui.demo.app import TEAM_LIMITS, TeamLimits
from tui.ui.features.live import IDLE_AFTER, MAX_BACKOFF
from tui.ui.features.mirror import (
    EVENTS_EVERY,
    QUIET_AFTER_INPUT,
    SYNCING_RETRY,
    SYNCING_RETRY_MAX,
)

HOUR = 3600.0
RETRY = RetryPolicy()  # the API client's, for a person's action
TEAM_SIZES = (1, 5, 20, 50)
START_REQUESTS = 7  # the first page, five directory reads, the event log's end
PAGE = 100  # threads a page of the walk (the API's largest)
IMPORTING = 1  # threads the service is still importing (the demo has one)
DMS_A_DAY = 300  # the team's inbound DMs, spread over the working day
ACT_EVERY = 90.0  # seconds between a person's actions, on average, while at work
# What a person does, how often, and the requests each takes.
ACTIONS = (("open", 0.55, 1), ("view", 0.2, 1), ("reply", 0.2, 2), ("filter", 0.05, 1))


@dataclass
class Day:
    """One client's working day: when it starts and stops, and when its person is away."""

    start: float
    stop: float
    away: list[tuple[float, float]]

    def at_work(self, t: float) -> bool:
        return self.start <= t < self.stop and not any(a <= t < b for a, b in self.away)


def working_day(rng: random.Random) -> Day:
    start = 9 * HOUR + rng.uniform(0, 0.5 * HOUR)
    stop = 18 * HOUR + rng.uniform(-0.25 * HOUR, 0.5 * HOUR)
    meetings = sorted(rng.sample([10, 11, 14, 15, 16], 2))
    away = [(12 * HOUR, 13 * HOUR), *((h * HOUR, (h + 1) * HOUR) for h in meetings)]
    return Day(start, stop, away)


@dataclass
class Client:
    index: int
    day: Day
    walk_left: int
    last_input: float = 0.0
    backoff: float = 1.0
    seen_dm: int = 0  # the team's DMs this client's live updates have seen
    walked_at: float | None = None
    paused_until: float = 0.0  # the mirror, after a refusal
    # What the last answer's headers said of the team's budget (the tightest window's).
    rate: RateLimitInfo = field(default_factory=RateLimitInfo)
    budget: BackgroundBudget | None = None  # the mirror's share of the minute, hour and day


@dataclass
class Tally:
    requests: int = 0
    refused: int = 0
    per_hour: list[int] = field(default_factory=lambda: [0] * 24)
    peak_share: dict[str, float] = field(default_factory=dict)
    actions: int = 0
    actions_refused: int = 0
    actions_failed: int = 0  # the client gave up waiting: the person saw an error
    added: list[float] = field(default_factory=list)


class Team:
    """The simulation: every client's requests, in time order, through the team's limits."""

    def __init__(self, size: int, threads: int, seed: int = 38) -> None:
        self.now = 0.0
        self.limits = TeamLimits(clock=lambda: self.now, wall=lambda: self.now)
        self.settings = Settings()
        self.walk = threads + math.ceil(threads / PAGE) + 2  # pages, conversations, the log
        self.walk_every = 60.0 / max(1, int(300 * self.settings.mirror_share))
        self.tally = Tally(peak_share={name: 0.0 for name, _, _ in TEAM_LIMITS})
        self.queue: list[tuple[float, int, Callable[[], None]]] = []
        self.order = 0
        self.dm_times = sorted(
            random.Random(seed).uniform(9 * HOUR, 18 * HOUR) for _ in range(DMS_A_DAY)
        )
        self.clients = [
            Client(i, working_day(random.Random(seed * 1000 + i)), self.walk) for i in range(size)
        ]
        self.rngs = [random.Random(seed * 7919 + i) for i in range(size)]
        for client in self.clients:
            client.budget = BackgroundBudget(self.settings.mirror_share, clock=lambda: self.now)
            self.at(client.day.start, partial(self.start, client))

    # --- the clock ---------------------------------------------------------------------------

    def at(self, when: float, then: Callable[[], None]) -> None:
        self.order += 1
        heapq.heappush(self.queue, (when, self.order, then))

    def run(self, until: float = 24 * HOUR) -> Tally:
        while self.queue:
            when, _, then = heapq.heappop(self.queue)
            if when >= until:
                break
            self.now = when
            then()
        return self.tally

    # --- the service -------------------------------------------------------------------------

    def ask(self, client: Client) -> float:
        """One request: 0 if admitted, else the seconds to wait (Retry-After). The client
        learns what the headers say of the team's budget."""
        admitted, headers = self.limits.admit()
        client.rate.limit = int(headers["X-RateLimit-Limit"])
        client.rate.remaining = int(headers["X-RateLimit-Remaining"])
        if not admitted:
            self.tally.refused += 1
            return float(headers["Retry-After"])
        self.tally.requests += 1
        self.tally.per_hour[min(23, int(self.now // HOUR))] += 1
        for window in self.limits.windows:
            share = 1 - window.remaining(self.now) / window.limit
            self.tally.peak_share[window.name] = max(self.tally.peak_share[window.name], share)
        return 0.0

    # --- a client ----------------------------------------------------------------------------

    def start(self, client: Client) -> None:
        client.last_input = self.now
        self.person(client, START_REQUESTS, self.now)
        self.at(self.now + self.settings.poll_interval, lambda: self.poll(client))
        self.at(self.now + QUIET_AFTER_INPUT, lambda: self.mirror(client))
        self.at(self.now + self.next_act(client), lambda: self.act(client))

    def next_act(self, client: Client) -> float:
        return self.rngs[client.index].expovariate(1 / ACT_EVERY)

    def person(
        self, client: Client, requests: int, began: float, attempt: int = 0, slept: float = 0.0
    ) -> None:
        """A person's action: its requests one after the other, each refusal waited out as the
        API client does (RetryPolicy: Retry-After, within its attempts and total wait); past
        those, the action fails and the person is told."""
        if requests == 0:
            self.tally.actions += 1
            if self.now > began:
                self.tally.actions_refused += 1
                self.tally.added.append(self.now - began)
            return
        wait = self.ask(client)
        if not wait:
            self.at(self.now, lambda: self.person(client, requests - 1, began))
            return
        if attempt + 1 >= RETRY.max_attempts or slept + wait > RETRY.max_total_delay:
            self.tally.actions += 1
            self.tally.actions_refused += 1
            self.tally.actions_failed += 1
            return
        self.at(
            self.now + wait,
            lambda: self.person(client, requests, began, attempt + 1, slept + wait),
        )

    def act(self, client: Client) -> None:
        day = client.day
        if self.now >= day.stop:
            return
        if day.at_work(self.now):
            rng = self.rngs[client.index]
            roll, requests = rng.random(), 1
            for _name, chance, cost in ACTIONS:
                if roll < chance:
                    requests = cost
                    break
                roll -= chance
            client.last_input = self.now
            client.backoff = 1.0
            self.person(client, requests, self.now)
        self.at(self.now + self.next_act(client), lambda: self.act(client))

    def poll(self, client: Client) -> None:
        """Live updates: the log, and the page when the log shows a new DM."""
        if self.now >= client.day.stop:
            return
        if self.now - client.last_input > IDLE_AFTER:
            client.backoff = min(MAX_BACKOFF, client.backoff * 2)
        if client.rate.low:  # (LiveFeature.poll_now: what is left goes to people's actions)
            wait = max(self.settings.poll_interval, 20.0)
            self.at(self.now + wait, lambda: self.poll(client))
            return
        arrived = bisect.bisect_right(self.dm_times, self.now)
        requests = 1 + (arrived > client.seen_dm)
        client.seen_dm = arrived
        waited = 0.0
        for _ in range(requests):
            waited = max(waited, self.ask(client))
        interval = self.settings.poll_interval * (
            MAX_BACKOFF if client.rate.scarce else client.backoff
        )
        self.at(self.now + max(interval, waited), lambda: self.poll(client))

    def mirror(self, client: Client) -> None:
        """The walk, then keeping the walked copy current."""
        if self.now >= client.day.stop:
            return
        if client.walk_left > 0:
            quiet = self.now - client.last_input < QUIET_AFTER_INPUT
            leaves = client.rate.scarce
            resting = quiet or leaves or self.now < client.paused_until
            # (A slot is taken only by a step that goes: as MirrorFeature.walk_step.)
            spent = not resting and client.budget is not None and not client.budget.try_acquire()
            if resting or spent:
                self.at(max(self.now + 1.0, client.paused_until), lambda: self.mirror(client))
                return
            wait = self.ask(client)
            if wait:
                client.paused_until = self.now + wait
            else:
                client.walk_left -= 1
                if client.walk_left == 0:
                    client.walked_at = self.now
            self.at(self.now + self.walk_every, lambda: self.mirror(client))
            return
        # Walked: the log every EVENTS_EVERY; the threads still importing after SYNCING_RETRY,
        # twice as long each time they still are (up to SYNCING_RETRY_MAX).
        self.at(self.now, lambda: self.kept_current(client, EVENTS_EVERY, 1))
        self.at(self.now, lambda: self.importing(client, 0))

    def importing(self, client: Client, tries: int) -> None:
        if self.now >= client.day.stop or not IMPORTING:
            return
        if not client.rate.scarce and (client.budget is None or client.budget.try_acquire()):
            for _ in range(IMPORTING):
                self.ask(client)
            tries += 1
        wait = min(SYNCING_RETRY_MAX, SYNCING_RETRY * 2 ** max(0, tries - 1))
        self.at(self.now + wait, lambda: self.importing(client, tries))

    def kept_current(self, client: Client, every: float, requests: int) -> None:
        if self.now >= client.day.stop:
            return
        if client.rate.scarce or (client.budget and not client.budget.try_acquire()):
            self.at(self.now + every, lambda: self.kept_current(client, every, requests))
            return  # (as the walk's steps)
        waited = max([self.ask(client) for _ in range(requests)], default=0.0)
        self.at(self.now + max(every, waited), lambda: self.kept_current(client, every, requests))


def simulate(size: int, threads: int) -> dict[str, float | str]:
    team = Team(size, threads)
    tally = team.run()
    walked = [c.walked_at - c.day.start for c in team.clients if c.walked_at is not None]
    added = sorted(tally.added)
    return {
        "clients": size,
        "requests in the busiest hour": max(tally.per_hour),
        "requests in the day": tally.requests,
        "refused (429) in the day": tally.refused,
        "busiest minute (% of 300)": round(100 * tally.peak_share["minute"]),
        "busiest hour (% of 10,000)": round(100 * tally.peak_share["hour"]),
        "day (% of 100,000)": round(100 * tally.peak_share["day"]),
        "people's actions": tally.actions,
        "actions that met a 429": tally.actions_refused,
        "of which failed (error shown)": tally.actions_failed,
        "added wait of the others, p95 (s)": (
            round(added[int(0.95 * (len(added) - 1))]) if added else 0
        ),
        "search complete for all, after (h)": (
            f"{max(walked) / HOUR:.1f}" if len(walked) == size else f"no ({len(walked)}/{size})"
        ),
    }


def main() -> None:
    threads = int(next((a for a in sys.argv[1:] if a.isdigit()), 10_000))
    rows = [simulate(size, threads) for size in TEAM_SIZES]
    if "--json" in sys.argv:
        print(json.dumps(rows))
        return
    print(f"One working day of a team on the {threads:,}-thread demo, every client on its own")
    print("(the mirror on, as with API v2; the limits: 300/min, 10,000/h, 100,000/day)\n")
    names = list(rows[0])
    width = max(len(n) for n in names)
    for name in names:
        print(f"{name:<{width}}  " + "  ".join(f"{row[name]!s:>10}" for row in rows))


if __name__ == "__main__":
    main()
