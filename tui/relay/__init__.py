"""The team relay (`inbox-tui relay`): one server for a whole team. It alone holds the team's
API key, walks the team's data once into PostgreSQL, keeps it current from the service's
webhooks (the event log as the fallback), and serves version 2 of the Inbox API to the team's
clients from its database: lists, conversations and search cost the team's budget nothing,
and changes are pushed (server-sent events). Writes go on to the service through it, so the
team has one budget and one idempotency record.
"""
