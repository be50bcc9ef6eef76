"""The CRM hand-off: a typed client of the CRM's Prospects API (05-crm-prospects-api) and the
mapping from an Inbox prospect to a CRM prospect. No Textual here."""
