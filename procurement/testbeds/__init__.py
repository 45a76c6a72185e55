"""Test-bed agreements: from an accepted fit to an evaluated trial."""
