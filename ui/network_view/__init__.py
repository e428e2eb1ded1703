"""The network canvas: a QGraphicsView/QGraphicsScene that draws the document's
network and turns mouse gestures into Document edits."""

from .scene import NetworkScene
from .view import NetworkView

__all__ = ["NetworkView", "NetworkScene"]
