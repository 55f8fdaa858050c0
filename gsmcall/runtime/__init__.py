"""The runtime: one event queue and the loop that owns a modem."""
