"""search: core package, never imports textual."""
