"""Escalation policy, pure: what to do next for an alert, from its attempts and the clock."""
