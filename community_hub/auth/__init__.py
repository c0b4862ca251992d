"""Users, organisations, roles and signing in."""
