"""Django forms, one module per screen area."""
