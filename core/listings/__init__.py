"""After publishing: keeping every live listing true to its product (edits, stock, take-downs, reposts, engagement)."""
