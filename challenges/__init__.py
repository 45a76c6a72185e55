"""Needs posted by health and care services (challenges), and later responses, selection panels
and fellowship cohorts."""
