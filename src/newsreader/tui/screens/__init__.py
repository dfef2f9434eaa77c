"""Screens of the reader (main, help) and of the compare view."""
