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

The same day again with a team relay (`inbox-tui relay`, #39), following the relay's own
schedule (tui/relay/schedule.py's constants): the team's one reader of the service, which every
client reads instead, so that the clients' start, live updates, mirrors, reads and searches
cost the team nothing:

- it starts at 9:00, before the first person, and walks once (one request a page of threads,
  one a thread's messages) at RELAY_SHARE of the minute, the hour and the day (its
  BackgroundBudget, `longer=RELAY_SHARE`), waiting, as the clients do, while the headers of its
  last answer say under a third is left (until that window's reset) or after a 429;
- webhooks are set up: each event of the day (each DM that arrives, each person's write) is
  refreshed once for the team, REFRESH_REQUESTS of its kind, ahead of the walk's next step and
  at the same pace (several events on one object in one batch would cost one: not modelled);
- walked, it reads the event log every LOG_EVERY_WITH_WEBHOOKS (webhooks are set up), and the
  threads
  still importing after its SYNCING_RETRY, doubling up to its SYNCING_RETRY_MAX;
- a person's write (a reply) is one request, forwarded at once (a person's request: a 429 is
  waited out as the client does, and counted); search is complete for everyone once the relay
  has walked.

It prints, for each team size, on its own and with a relay side by side: the team's requests in
its busiest hour and in the day, the busiest share of each window, the people's actions that met
a 429 and what that added, and how long until every client's search is complete (its walk, or
the relay's, done). `python -m bench.team [THREADS]` (default 10,000, the demo's large team);
`--json` prints one JSON line, {"every client on its own": [...], "with a relay": [...]}.
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
from tui.relay.schedule import (
    LOG_EVERY_WITH_WEBHOOKS,
    REFRESH_REQUESTS,
    RELAY_SHARE,
    WALK_LEAVES,
)
from tui.relay.schedule import SYNCING_RETRY as RELAY_SYNCING_RETRY
from tui.relay.schedule import SYNCING_RETRY_MAX as RELAY_SYNCING_RETRY_MAX
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
# The actions that write, and the event each makes in the team's log (with a relay: one request
# forwarded to the service, then the relay's refresh of its object); the others only read.
WRITES = {"reply": "message"}
RELAY_STARTS = 9 * HOUR  # before the first person


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
class Relay:
    """The team relay (#39): the team's one reader of the service. It walks once, then keeps
    its copy current from webhooks (a refresh an event) and the event log; every client reads
    it, and only the people's writes reach the service, forwarded one for one."""

    budget: BackgroundBudget
    walk_left: int
    walked_at: float | None = None
    owed: int = 0  # refresh requests the events that came ask for, not made yet
    busy: bool = False  # a step is on the clock
    paused_until: float = 0.0  # after a refusal
    last_webhook: float = 0.0
    # What the headers of the last answer it had (its own or a forwarded write's) said.
    rate: RateLimitInfo = field(default_factory=RateLimitInfo)
    spent: list[float] = field(default_factory=list)  # its own requests admitted, when


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
    """The simulation: every client's requests, in time order, through the team's limits.
    `relay`: the team has a relay, and its clients read from it (only writes reach the service,
    through it)."""

    def __init__(self, size: int, threads: int, seed: int = 38, *, relay: bool = False) -> None:
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
        self.relay: Relay | None = None
        if relay:
            budget = BackgroundBudget(RELAY_SHARE, longer=RELAY_SHARE, clock=lambda: self.now)
            # One request a page of threads, then one a thread's messages.
            self.relay = Relay(budget, math.ceil(threads / PAGE) + threads, busy=True)
            self.relay_every = 60.0 / budget.per_minute
            self.at(RELAY_STARTS, self.relay_step)
            for when in self.dm_times:  # (each DM's webhook)
                self.at(when, partial(self.relay_event, "message"))

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
        """One request: 0 if admitted, else the seconds to wait (Retry-After). The client (with
        a relay, the relay that forwards it) learns what the headers say of the team's budget."""
        return self.request(self.relay.rate if self.relay else client.rate)

    def request(self, rate: RateLimitInfo) -> float:
        admitted, headers = self.limits.admit()
        rate.limit = int(headers["X-RateLimit-Limit"])
        rate.remaining = int(headers["X-RateLimit-Remaining"])
        rate.reset = float(headers["X-RateLimit-Reset"])  # (the clock is the wall here)
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
        if self.relay:  # (the start, live updates and search: the relay's, at no cost)
            self.tally.actions += 1  # (as on its own: the start is the person's first wait)
            self.at(self.now + self.next_act(client), lambda: self.act(client))
            return
        self.person(client, START_REQUESTS, self.now)
        self.at(self.now + self.settings.poll_interval, lambda: self.poll(client))
        self.at(self.now + QUIET_AFTER_INPUT, lambda: self.mirror(client))
        self.at(self.now + self.next_act(client), lambda: self.act(client))

    def next_act(self, client: Client) -> float:
        return self.rngs[client.index].expovariate(1 / ACT_EVERY)

    def person(
        self,
        client: Client,
        requests: int,
        began: float,
        attempt: int = 0,
        slept: float = 0.0,
        done: Callable[[], None] | None = None,
    ) -> None:
        """A person's action: its requests one after the other, each refusal waited out as the
        API client does (RetryPolicy: Retry-After, within its attempts and total wait); past
        those, the action fails and the person is told. `done`: what follows its success."""
        if requests == 0:
            self.tally.actions += 1
            if self.now > began:
                self.tally.actions_refused += 1
                self.tally.added.append(self.now - began)
            if done:
                done()
            return
        wait = self.ask(client)
        if not wait:
            self.at(self.now, lambda: self.person(client, requests - 1, began, done=done))
            return
        if attempt + 1 >= RETRY.max_attempts or slept + wait > RETRY.max_total_delay:
            self.tally.actions += 1
            self.tally.actions_refused += 1
            self.tally.actions_failed += 1
            return
        self.at(
            self.now + wait,
            lambda: self.person(client, requests, began, attempt + 1, slept + wait, done),
        )

    def act(self, client: Client) -> None:
        day = client.day
        if self.now >= day.stop:
            return
        if day.at_work(self.now):
            rng = self.rngs[client.index]
            roll, action, requests = rng.random(), ACTIONS[-1][0], 1
            for name, chance, cost in ACTIONS:
                if roll < chance:
                    action, requests = name, cost
                    break
                roll -= chance
            client.last_input = self.now
            client.backoff = 1.0
            if not self.relay:
                self.person(client, requests, self.now)
            elif action in WRITES:  # forwarded as it is; its event comes back as a webhook
                event = WRITES[action]
                self.person(client, 1, self.now, done=partial(self.relay_event, event))
            else:  # a read: the relay answers it
                self.tally.actions += 1
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

    # --- the relay ---------------------------------------------------------------------------

    def relay_request(self, relay: Relay) -> float:
        """One of the relay's own requests (as `request`), noted as its own."""
        wait = self.request(relay.rate)
        if not wait:
            relay.spent.append(self.now)
        return wait

    def relay_holds_back(self, relay: Relay) -> float:
        """0 when the relay may spend now, else how long until it may look again: the headers'
        rule (under a third of the tightest window left: wait for that window's reset, then
        read the headers afresh) and a refusal's Retry-After."""
        if relay.rate.scarce:
            until = max(self.now + 1.0, relay.rate.reset or 0.0)
            relay.rate = RateLimitInfo()
            return until - self.now
        return max(0.0, relay.paused_until - self.now)

    def relay_event(self, kind: str) -> None:
        """An event's webhook: its object refreshed, REFRESH_REQUESTS of its kind (ahead of
        the walk's next step; several on one object in a batch cost one, not modelled)."""
        relay = self.relay
        assert relay is not None
        relay.last_webhook = self.now
        relay.owed += REFRESH_REQUESTS[kind]
        if not relay.busy:
            relay.busy = True
            self.at(self.now, self.relay_step)

    def relay_step(self) -> None:
        """The walk and the refreshes the webhooks ask for, one request a step, at the relay's
        share of the minute, the hour and the day."""
        relay = self.relay
        assert relay is not None
        if not relay.owed and not relay.walk_left:
            relay.busy = False  # (until the next webhook)
            return
        relay.busy = True
        held = self.relay_holds_back(relay)
        if not held:
            held = max(window.delay() for window in relay.budget.windows)
        # The walk leaves WALK_LEAVES of each window to the refreshes (tui/relay/sync.py).
        keep = 0.0 if relay.owed else WALK_LEAVES
        if held or not relay.budget.try_acquire(keep=keep):
            self.at(self.now + max(held, 0.01), self.relay_step)
            return
        wait = self.relay_request(relay)
        if wait:
            relay.paused_until = self.now + wait
        elif relay.owed:
            relay.owed -= 1
        else:
            relay.walk_left -= 1
            if not relay.walk_left:
                relay.walked_at = self.now
                self.at(self.now + LOG_EVERY_WITH_WEBHOOKS, self.relay_log)
                self.at(self.now, partial(self.relay_importing, 0))
        self.at(self.now + self.relay_every, self.relay_step)

    def relay_log(self) -> None:
        """Walked: the event log, every LOG_EVERY_WITH_WEBHOOKS (webhooks are set up)."""
        relay = self.relay
        assert relay is not None
        if not self.relay_holds_back(relay) and relay.budget.try_acquire():
            self.relay_request(relay)
        self.at(self.now + LOG_EVERY_WITH_WEBHOOKS, self.relay_log)

    def relay_importing(self, tries: int) -> None:
        """The threads still importing, again after SYNCING_RETRY, doubling each time."""
        relay = self.relay
        assert relay is not None
        if not IMPORTING:
            return
        if not self.relay_holds_back(relay) and relay.budget.try_acquire():
            for _ in range(IMPORTING):
                self.relay_request(relay)
            tries += 1
        wait = min(RELAY_SYNCING_RETRY_MAX, RELAY_SYNCING_RETRY * 2 ** max(0, tries - 1))
        self.at(self.now + wait, partial(self.relay_importing, tries))


def simulate(size: int, threads: int, *, relay: bool = False) -> dict[str, float | str]:
    team = Team(size, threads, relay=relay)
    tally = team.run()
    if team.relay:  # every client searches the relay's copy: complete once it is walked
        done = team.relay.walked_at
        walked = [] if done is None else [max(0.0, done - c.day.start) for c in team.clients]
    else:
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
    tables = {
        "every client on its own": [simulate(size, threads) for size in TEAM_SIZES],
        "with a relay": [simulate(size, threads, relay=True) for size in TEAM_SIZES],
    }
    if "--json" in sys.argv:
        print(json.dumps(tables))
        return
    print(f"One working day of a team on the {threads:,}-thread demo (300/min, 10,000/h,")
    print("100,000/day): every client on its own (the mirror on, as with API v2), and with a")
    print(f"relay that walks and follows for the team at {RELAY_SHARE:.0%} of each window\n")
    names = list(tables["every client on its own"][0])
    width = max(len(n) for n in names)
    cell = 9
    group = len(TEAM_SIZES) * (cell + 2) - 2
    print((" " * width + "  " + "   ".join(f"{title:^{group}}" for title in tables)).rstrip())
    for name in names:
        print(
            f"{name:<{width}}  "
            + "   ".join(
                "  ".join(f"{row[name]!s:>{cell}}" for row in rows) for rows in tables.values()
            )
        )


if __name__ == "__main__":
    main()
