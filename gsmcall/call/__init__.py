"""Placing one call and telling what became of it."""
