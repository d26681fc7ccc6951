"""The Settings window (Edit → Settings, Ctrl+,): every setting and secret a seller may need, grouped."""
