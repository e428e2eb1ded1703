"""Texts of the Help menu."""

import platform
import tomllib
from importlib import metadata
from pathlib import Path

PACKAGE = "backprop-studio"
SOURCE_PROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"  # there in a checkout, not once installed

HOW_TO = """\
<h3>Building a network</h3>
<ul>
<li><b>Move</b> a neuron: drag its centre. Selected neurons move together.</li>
<li><b>Connect</b> two neurons: drag from the rim of one (or Ctrl+drag) to a neuron of a later layer.
 A line follows the mouse; neurons you can connect to light up.</li>
<li><b>Select</b>: click; Shift+click adds, Ctrl+click toggles; drag on the background for a rubber band.
 <b>Select All</b> is Ctrl+A.</li>
<li><b>Delete</b> the selection with the Delete key. Deleting every neuron of a hidden layer removes the layer.</li>
<li><b>Add a neuron</b>: double-click an empty spot in a layer's column, or Network ▸ Add Neuron.</li>
<li><b>Layers</b>: Network ▸ Insert Layer Before/After, Remove Layer, Set Activation, Fully Connect or
 Disconnect two layers. The chosen layer is the one of the neuron, edge or layer you clicked last;
 with nothing selected, Add Neuron grows the last hidden layer and Insert Layer puts a new hidden layer
 just before the output.
 Removing a hidden layer whose neighbours no other edges join connects them directly, with new random
 weights; the status bar says so.</li>
<li><b>Weights and biases</b>: double-click an edge (weight) or a neuron (bias) to type a value, or scroll
 over a selected one to nudge it (hold Shift for finer steps). The Inspector shows and edits them too.</li>
</ul>
<h3>Looking around</h3>
<ul>
<li>Zoom with the mouse wheel or Ctrl+plus / Ctrl+minus; <b>Fit</b> (Ctrl+0) shows everything.</li>
<li>Pan with the middle mouse button, or hold Space and drag.</li>
<li><b>Re-layout</b> forgets dragged positions and lines the layers up again.</li>
<li>View ▸ <b>Colour Edges by Gradient</b> shows the gradient flow once training has run a step: each edge
 coloured by |dL/dw| and each neuron filled by its delta; View ▸ Colour Edges by Weight goes back.</li>
</ul>
<h3>Training</h3>
<ul>
<li><b>Play</b> / <b>Pause</b> with Space (a tap; Space held while dragging still pans). <b>Step</b> (Ctrl+T)
 trains one mini-batch, <b>Step Epoch</b> (Ctrl+E) one epoch, <b>Step Phase</b> (Ctrl+Shift+T) one phase of a
 step: forward through a layer, the loss, backward through a layer, or the update.</li>
<li>The Plots panel runs a number of epochs, stops early at a target loss or accuracy, and sets the speed
 from one step a second to as fast as possible.</li>
<li>You can edit while training: the run pauses between two steps, the edit is made, and training goes on.</li>
<li>Three Plots tabs take one idea apart: <b>Hidden space</b> draws the data where a hidden layer puts it,
 with the output's decision line; <b>Derivative</b> the loss along one weight, its tangent and the slope
 measured two ways; <b>Chain rule</b> ∂L/∂w of one edge written out with its numbers. Select an edge on the
 canvas to choose the weight.</li>
<li><b>Step back</b>: drag the slider under the plots to return the network to any recorded step of the run
 (weights, optimiser and all; one undo step, "Rewind to Step 120"). Play trains on from there.</li>
</ul>
<h3>Undo</h3>
<p>Every edit can be undone (Ctrl+Z) and redone, and so can every training run ("Train 1,240 steps")
and Reset Weights: undo puts the weights from before the run back. The Undo History panel lists them all.</p>
"""

ABOUT = """\
<h3>Backprop Studio</h3>
<p>Build a neural network by dragging nodes and edges, train it, and watch what happens inside:
the loss falling, each neuron's activation, and the gradient flowing backwards through every layer.</p>
"""


def versions():
    """``[(name, version), ...]`` of Python, Qt, PySide6, NumPy and pyqtgraph in use.

    pyqtgraph's version is read from its installed metadata, so asking does not
    import it (the plots load it after the window first appears).
    """
    import numpy
    import PySide6
    from PySide6.QtCore import qVersion

    try:
        pyqtgraph = metadata.version("pyqtgraph")
    except metadata.PackageNotFoundError:  # run from a source tree without installing
        import pyqtgraph as pg
        pyqtgraph = pg.__version__
    return [("Python", platform.python_version()), ("Qt", qVersion()), ("PySide6", PySide6.__version__),
            ("NumPy", numpy.__version__), ("pyqtgraph", pyqtgraph)]


def app_version(source=SOURCE_PROJECT):
    """The app's version: from the checkout's pyproject.toml when run from one
    (installed or not, the checkout is what runs), else from the installed
    package's metadata; "" if neither says."""
    try:
        project = tomllib.loads(Path(source).read_text(encoding="utf-8")).get("project", {})
        if project.get("name") == PACKAGE and isinstance(project.get("version"), str):
            return project["version"]
    except (OSError, ValueError, UnicodeDecodeError):  # no checkout here, or its file is unreadable
        pass
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return ""


def about_text(version=None):
    """The About box: what the app is, its version, and the versions of what it runs on."""
    if version is None:
        version = app_version()
    rows = "".join(f"<tr><td>{name}</td><td>&nbsp;{number}</td></tr>" for name, number in versions())
    heading = f"<h3>Backprop Studio {version}</h3>" if version else "<h3>Backprop Studio</h3>"
    return ABOUT.replace("<h3>Backprop Studio</h3>", heading) + f"<p>Running on:</p><table>{rows}</table>"
