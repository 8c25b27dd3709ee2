"""Wire shapes: one module per API area (auth, users, mfa, roles, members, invitations, teams, organization,
notifications) and common.py for what several areas share.

Schema names are the contract's entity names and field names are the camelCase wire names, so the
OpenAPI document reads like the contract. Request bodies and queries are Schemas here too. Routers
return plain dicts built by each module's `*_data` functions; ninja validates them against the schemas.
"""
