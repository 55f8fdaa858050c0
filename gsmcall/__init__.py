"""gsmcall: rings on-call engineers through a GSM/LTE modem and reports who answered."""

__version__ = "0.1.0"
