"""Volunteer management for peer-led groups: stages, checks, courses, placements, hours."""
