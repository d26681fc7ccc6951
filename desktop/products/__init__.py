"""The Products tab: the product table and the product editor."""
