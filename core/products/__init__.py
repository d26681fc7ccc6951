"""Products: the facts a seller enters once and every listing is made from."""
