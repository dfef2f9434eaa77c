"""store: core package, never imports textual."""
