"""Tests every journal implementation must pass, and the ones specific to each implementation."""
