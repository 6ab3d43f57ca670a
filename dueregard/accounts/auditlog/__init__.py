"""The audit log's pages: an auditor searches, pages through and exports the events of
their authorities.

`dueregard.audit` writes and seals the events and imports nothing above `areas`; reading
them is a consumer of the access rules like any domain's pages, so the pages live here,
where `accounts` may be imported ([ADR 0009](../../../docs/adr/0009-import-direction.md)).
The URLs and their names are the audit log's own (`/audit/`, `audit:log`, `audit:export`).
"""
