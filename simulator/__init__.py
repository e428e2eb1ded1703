"""Backprop Studio's NumPy core: networks, maths, data, training and files.

This package never imports Qt or pyqtgraph, so it runs and tests headless.
"""
