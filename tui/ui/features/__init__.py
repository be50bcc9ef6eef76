"""One module per feature: a unit (see shared.Feature) that owns its actions, handlers and
workers, and gets what it uses of the app, and the other features it needs, from the app."""
