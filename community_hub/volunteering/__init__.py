"""Volunteering with a group: opportunities coordinators publish, and the public's applications."""
