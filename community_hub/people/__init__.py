"""Peer supporters and recovery champions in the public directory."""
