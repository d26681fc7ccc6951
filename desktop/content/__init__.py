"""The Content tab: each platform's copy of a product, to review, edit and approve."""
