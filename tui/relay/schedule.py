"""What the relay spends of the team's budget, and when (bench/team.py reads these too)."""

from __future__ import annotations

# Of the team's minute; the hour and the day get the same share (the relay is the team's one
# background reader: 90 a minute, 3,000 an hour, 30,000 a day).
RELAY_SHARE = 0.3
# The walk leaves this share of each window of the relay's budget to events: a change is
# applied within seconds even while the walk (hours on a large team) goes on.
WALK_LEAVES = 0.2
# The event log is read this often when webhooks are set up (a lost delivery shows in it;
# a gap in the deliveries' seq is read at once), and this often when they are not. A quiet
# evening brings no webhooks, and that is no reason to poll harder.
LOG_EVERY_WITH_WEBHOOKS = 120.0
LOG_EVERY = 15.0
# A thread the service is still importing is read again after this, doubling up to the most.
SYNCING_RETRY = 30.0
SYNCING_RETRY_MAX = 3600.0
# Requests to bring one event's object up to date (a message's event: the message and its
# thread; typing: nothing). Several events on one object in one batch cost one refresh.
REFRESH_REQUESTS = {"message": 2, "thread": 1, "contact": 1, "tag": 1, "status": 1}
