"""One module per feature: its actions, handlers and workers (mixins on the app for
now: issue #19 makes them units of their own)."""
