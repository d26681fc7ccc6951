"""The Listings window: live listings and posts, and the seller's say over them."""
