"""Backprop Studio's Qt user interface. Imports simulator; simulator never imports this."""
