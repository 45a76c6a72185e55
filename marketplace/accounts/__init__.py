"""Users, organisations, memberships with roles, sign-in and access tokens."""
