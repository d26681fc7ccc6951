"""The Platforms tab: where the seller connects each place they sell and sets its preferences."""
