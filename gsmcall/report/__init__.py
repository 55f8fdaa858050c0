"""Where results go: each alert's result is delivered to the reporter of its source."""
