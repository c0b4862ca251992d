"""Mutual aid meetings: the Meeting Guide model, the public finder, coordinators' editing."""
