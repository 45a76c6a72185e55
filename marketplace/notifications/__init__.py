"""In-app notifications: short messages telling a person something now concerns them."""
