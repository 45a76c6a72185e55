"""The innovation fellowship: cohorts, staff applications and their staged, panel-scored
selection."""
