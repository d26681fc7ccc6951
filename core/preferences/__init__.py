"""How settings are shown to a seller: the Settings window's groups and labels, secrets, checks and time zones."""
