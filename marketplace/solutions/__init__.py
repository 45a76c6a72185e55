"""The solution catalogue: what innovators, companies and fellows offer, and its assurance."""
