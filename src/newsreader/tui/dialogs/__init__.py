"""Small modal questions the reader asks (frogmouth's split: app, screens, dialogs, widgets)."""
