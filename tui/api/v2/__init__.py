"""Version 2 of the Inbox API: its JSON (`wire`), query spelling, client of the 37 operations
(`V2Client`), and the adapter to the app's domain (`V2Api`)."""
