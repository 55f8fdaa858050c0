"""The duty roster (DESIGN.md section 7): who is on call at an instant and whom an alert rings.

Pure: the model, the wall-clock arithmetic and the lookups take the instant as an argument, so
tests pin it and the queue can compute an alert's numbers once, when it is journaled.
"""
