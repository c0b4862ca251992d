"""Issue 9: trustworthy with sensitive data."""
