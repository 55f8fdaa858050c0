"""What a modem can do, one file per capability, in the manner of TinyGSM.

Each capability has its 3GPP 27.007/27.005 default as a spec (data); a vendor profile
overrides only the fields its family does differently.  ``probe`` decides at init what
this particular modem has, so nothing later claims what the modem could not do.
"""
