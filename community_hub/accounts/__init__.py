"""Joining and running a real site: invitations, password resets, organisations and people."""
