"""reuse: core package, never imports textual."""
