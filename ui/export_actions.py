"""File > Export: the network as a PyTorch script or NumPy weights, the loss
history as CSV, the canvas as PNG or SVG, and the plot in front in the Plots
dock through pyqtgraph's exporters (PNG, CSV; SVG through Qt's generator).

The formats are ``simulator.export``'s (docs/export.md); this module only asks
where to write and reports. Each file is written whole or not at all.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem

from simulator.atomic_write import write_atomically
from simulator.errors import SimulatorError
from simulator.export.npz import write_npz
from simulator.export.pytorch import write_pytorch
from simulator.export.tables import history_csv, write_csv

from .wording import file_stem

IMAGE_SCALE = 2.0  # PNG pixels per scene unit: sharp when pasted into a report
MAX_IMAGE_SIDE = 4096  # pixels: a big network's picture stays quick to draw and to open
MARGIN = 20.0      # scene units of white around the drawing


class ExportActions:
    """The Export submenu of ``win`` (a MainWindow) and what its entries do.

    ``ask_path`` is the one question asked; tests replace it.
    """

    def __init__(self, win, menu):
        self.win = win
        menu.setToolTipsVisible(True)
        entries = (
            ("&PyTorch Script…", "A standalone Python script that builds this network in PyTorch and trains "
             "it as the app does", self.export_pytorch),
            ("&Weights (.npz)…", "Every weight, mask and bias as NumPy arrays", self.export_weights),
            ("Loss &History (.csv)…", "The loss and accuracy of every step trained so far", self.export_history),
            (None, None, None),
            ("Canvas as P&NG…", "A picture of the network as drawn", self.export_png),
            ("Canvas as &SVG…", "The network as a vector drawing (text stays text)", self.export_svg),
            (None, None, None),
            ("Current Plot as PN&G…", "The plot in front in the Plots dock, as a picture", self.export_plot_png),
            ("Current Plot as S&VG…", "The plot in front in the Plots dock, as a vector drawing",
             self.export_plot_svg),
            ("Current Plot's &Data (.csv)…", "The curves of the plot in front in the Plots dock, as columns "
             "of numbers", self.export_plot_csv),
        )
        self.actions = {}
        for text, tip, slot in entries:
            if text is None:
                menu.addSeparator()
                continue
            action = QAction(text, win)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(lambda checked=False, slot=slot: slot())
            menu.addAction(action)
            self.actions[slot.__name__] = action

    # ------------------------------------------------------------ questions
    def ask_path(self, title, suggestion, file_filter):
        """A file name to write, or "" if the person cancelled."""
        path, _ = QFileDialog.getSaveFileName(self.win, title, suggestion, file_filter)
        return path

    def _path(self, title, suffix, file_filter):
        doc = self.win.document
        folder = os.path.dirname(doc.path) if doc.path else os.path.expanduser("~")
        suggestion = os.path.join(folder, file_stem(doc.title) + suffix)
        path = self.ask_path(title, suggestion, f"{file_filter};;All files (*)")
        if path and "." not in os.path.basename(path):
            path += suffix
        return path

    def _write(self, what, path, write):
        """Run ``write()``; report success in the status bar, failure in a message box."""
        try:
            written = write() or [path]
        except (SimulatorError, OSError, ValueError) as error:
            self.win.dialogs.show_error("Could not export", f"The {what} could not be written to "
                                        f"“{os.path.basename(path)}”.", str(error))
            return False
        self.win.show_message("Exported " + " and ".join(os.path.basename(p) for p in written))
        return True

    # -------------------------------------------------------------- exports
    def export_pytorch(self):
        path = self._path("Export as a PyTorch script", ".py", "Python scripts (*.py)")
        if not path:
            return False
        with self.win.training.edit_guard():  # a run goes on between two steps
            project = self.win.document.to_project()
        return self._write("PyTorch script", path, lambda: write_pytorch(project, path))

    def export_weights(self):
        path = self._path("Export the weights", ".npz", "NumPy arrays (*.npz)")
        if not path:
            return False
        with self.win.training.edit_guard():
            network = self.win.document.network.copy()
        return self._write("weights", path, lambda: write_npz(network, path))

    def export_history(self):
        history = self.win.training.history
        if not len(history):
            self.win.show_message("Nothing to export yet: train a few steps first")
            return False
        path = self._path("Export the loss history", ".csv", "CSV files (*.csv)")
        if not path:
            return False
        text = history_csv(history)
        return self._write("loss history", path, lambda: write_csv(text, path))

    def export_png(self):
        path = self._path("Export the canvas as PNG", ".png", "PNG images (*.png)")
        if not path:
            return False
        return self._write("picture", path, lambda: write_atomically(path, canvas_png(self.win.view.scene())))

    def export_svg(self):
        path = self._path("Export the canvas as SVG", ".svg", "SVG drawings (*.svg)")
        if not path:
            return False
        title = self.win.document.title or "network"
        return self._write("drawing", path, lambda: write_atomically(path, canvas_svg(self.win.view.scene(), title)))


    # ---------------------------------------------------- pyqtgraph's own exporters
    def export_plot_png(self):
        return self._export_plot("PNG", ".png", "PNG images (*.png)")

    def export_plot_svg(self):
        return self._export_plot("SVG", ".svg", "SVG drawings (*.svg)")

    def export_plot_csv(self):
        if self.win.plot_tabs.currentWidget() is self.win.loss_plot:
            # the loss plot draws a few points per pixel of a long run; its numbers are the history's
            return self.export_history()
        return self._export_plot("CSV", ".csv", "CSV files (*.csv)")

    def _export_plot(self, kind, suffix, file_filter):
        tabs = self.win.plot_tabs
        scene = current_plot_scene(tabs.currentWidget())
        name = tabs.tabText(tabs.currentIndex()).replace("&", "") or "plot"
        if scene is None:
            self.win.show_message(f"The {name} tab has no plot to export yet: train a step first")
            return False
        path = self._path(f"Export the {name} plot as {kind}", suffix, file_filter)
        if not path:
            return False
        return self._write(f"{name} plot", path, lambda: write_atomically(path, plot_bytes(scene, kind)))


def current_plot_scene(widget):
    """The pyqtgraph scene shown in ``widget`` (a tab of the Plots dock), or None."""
    import pyqtgraph as pg

    if widget is None:
        return None
    views = [v for v in widget.findChildren(pg.GraphicsView) if v.isVisible()]
    if isinstance(widget, pg.GraphicsView):
        views.insert(0, widget)
    return views[0].scene() if views else None


def plot_bytes(scene, kind):
    """A pyqtgraph scene through pyqtgraph's own exporter: "PNG", "SVG", or "CSV"
    (the data of every curve of the scene's plots, side by side)."""
    import tempfile

    import pyqtgraph as pg
    import pyqtgraph.exporters as exporters

    if kind == "CSV":
        plots = [item for item in scene.items() if isinstance(item, pg.PlotItem)]
        plots = [p for p in plots if any(hasattr(c, "getData") and c.getData()[0] is not None
                                         and len(c.getData()[0]) for c in p.curves)]
        if not plots:
            raise ValueError("the plot holds no curves of numbers (a map is an image: export it as PNG)")
        exporter = exporters.CSVExporter(plots[0])
    elif kind == "SVG":
        # pyqtgraph 0.14's SVGExporter fails on some curves ("not enough values to
        # unpack" in correctCoordinates); Qt's own SVG generator draws any scene
        return scene_svg(scene, scene.sceneRect(), "plot")
    else:
        exporter = exporters.ImageExporter(scene)
    with tempfile.TemporaryDirectory() as folder:  # the exporters write to a file name of their own
        name = os.path.join(folder, "plot." + kind.lower())
        exporter.export(name)
        with open(name, "rb") as f:
            return f.read()


@contextmanager
def _uncached(scene):
    """Items drawn afresh for a picture: a cached item would go into it as pixels
    (its text no longer text in an SVG, blurred in a larger PNG)."""
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _area(scene):
    return scene.itemsBoundingRect().marginsAdded(QMarginsF(MARGIN, MARGIN, MARGIN, MARGIN))


def canvas_png(scene, scale=IMAGE_SCALE):
    """The PNG bytes of everything on ``scene``, on white, ``scale`` pixels per scene unit
    (less if the picture would be more than ``MAX_IMAGE_SIDE`` pixels wide or high)."""
    area = _area(scene)
    scale = min(scale, MAX_IMAGE_SIDE / max(area.width(), area.height(), 1.0))
    image = QImage(QSize(max(1, round(area.width() * scale)), max(1, round(area.height() * scale))),
                   QImage.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    painter.setRenderHint(QPainter.TextAntialiasing)
    with _uncached(scene):
        scene.render(painter, QRectF(image.rect()), area, Qt.KeepAspectRatio)
    painter.end()
    return _bytes(lambda device: image.save(device, "PNG"))


def canvas_svg(scene, title):
    """The SVG bytes of everything on ``scene``: vector shapes, its text as text."""
    return scene_svg(scene, _area(scene), title)


def scene_svg(scene, area, title):
    """The SVG bytes of ``area`` of ``scene``, on white."""
    buffer = QBuffer()
    buffer.open(QIODevice.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setTitle(title)
    generator.setDescription("Drawn by Backprop Studio")
    generator.setSize(QSize(round(area.width()), round(area.height())))
    generator.setViewBox(QRectF(0, 0, area.width(), area.height()))
    painter = QPainter(generator)
    painter.fillRect(QRectF(0, 0, area.width(), area.height()), QColor("white"))
    with _uncached(scene):
        scene.render(painter, QRectF(0, 0, area.width(), area.height()), area, Qt.KeepAspectRatio)
    painter.end()
    buffer.close()
    return bytes(buffer.data())


def _bytes(save):
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not save(buffer):
        raise OSError("the image could not be encoded")
    buffer.close()
    return bytes(data)
