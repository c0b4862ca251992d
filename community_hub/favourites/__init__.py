"""Saved meetings without an account: kept on the device or in the page's own address."""
