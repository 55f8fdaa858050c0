"""Where alerts come from: the alert model and the sources (today the polled endpoint)."""
