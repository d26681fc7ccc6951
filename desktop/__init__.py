"""SellerDesk's window (PySide6). Shows what core/ does; never holds business logic."""
