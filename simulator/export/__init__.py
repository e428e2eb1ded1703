"""Exports of a project for use outside the app: a PyTorch script, NumPy weights, CSV tables.

``pytorch`` writes a standalone, readable training script; ``npz`` the weights,
masks and biases as NumPy arrays; ``tables`` the loss history or the weights as
CSV rows. Nothing here imports Qt, and nothing imports PyTorch: the script
imports it when it runs. docs/export.md describes every format.
"""

FORMATS = ("pytorch", "npz", "csv")
