"""The terminal UI: a thin layer over the core packages."""
