"""Version 1 of the Inbox API: its query spelling, its error shape and its client.

v1's JSON is close to the app's own model (which was first drawn from it), so its client reads
answers straight into the domain types; the differences (no direction, bracketed filters, flat
cursors) are handled here and nowhere else."""
