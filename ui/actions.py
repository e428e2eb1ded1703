"""The main window's actions, menus and toolbar.

Built here so that ui/main_window.py stays wiring only. Every action has a
tooltip and, where Qt has one, a standard shortcut.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyle, QToolBar, QToolButton

from . import icons
from .csv_dialog import open_import_dialog
from .document import NEW_LAYER_ACTIVATION, NEW_LAYER_SIZE
from .export_actions import ExportActions
from .wording import activation_label, sentence

from simulator.activations import ACTIVATION_NAMES
from simulator.names import layer_title

SELECT_LAYER_FIRST = "Select a layer first (click a neuron or a layer's column)"
REWIRE_TIP = ("If no other edges join the layers on either side, they are then connected directly, "
              "with new random weights.")

REDO_KEYS = ("Ctrl+Y", "Ctrl+Shift+Z")


def redo_shortcuts():
    """The platform's Redo keys first, then Ctrl+Y and Ctrl+Shift+Z: people
    bring either habit from other programs, whatever the platform's choice."""
    keys = list(QKeySequence.keyBindings(QKeySequence.Redo))
    for extra in REDO_KEYS:
        if QKeySequence(extra) not in keys:
            keys.append(QKeySequence(extra))
    return keys


def _action(win, text, tip, slot=None, shortcut=None, icon=None, checkable=False):
    action = QAction(text, win)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    if shortcut is not None:
        action.setShortcut(shortcut)
        keys = QKeySequence(shortcut).toString(QKeySequence.NativeText)
        if keys:
            action.setToolTip(f"{tip} ({keys})")
    if isinstance(icon, str):
        icons.set_icon(action, icon)
    elif icon is not None:
        action.setIcon(win.style().standardIcon(icon))
    action.setCheckable(checkable)
    if slot is not None:
        action.triggered.connect(lambda checked=False: slot())
    return action


def zoom_in_shortcuts():
    """The platform's Zoom In keys, and Ctrl+= : on most keyboards + is Shift+=,
    so people press Ctrl+= and expect it to zoom in."""
    keys = list(QKeySequence.keyBindings(QKeySequence.ZoomIn))
    if QKeySequence("Ctrl+=") not in keys:
        keys.append(QKeySequence("Ctrl+="))
    return keys


def keys_text(keys, shown=None):
    """Shortcuts as a menu shows them: "Ctrl+Y, Ctrl+Shift+Z". ``shown``: the
    first key and those of these (portable text) that ``keys`` holds; the
    platform's rarer extras (a Redo key, Alt+Shift+Backspace) still work unsaid."""
    keys = [QKeySequence(k) for k in keys]
    if shown is not None:
        keys = keys[:1] + [k for k in keys[1:] if k.toString(QKeySequence.PortableText) in shown]
    return ", ".join(k.toString(QKeySequence.NativeText) for k in keys)


def _stack_action(win, stack, prefix, slot, can_changed, text_changed, can, text, keys=None):
    """An Undo or Redo action that names the step, as QUndoStack's own do.

    A menu shows only an action's first shortcut; ``keys``, when given, are
    all shown: a menu draws the text after a tab where the shortcut goes."""
    action = QAction(prefix, win)
    action.triggered.connect(lambda checked=False: slot())
    after = f"\t{keys}" if keys else ""

    def show_text(name):
        action.setText((f"{prefix} {name}" if name else prefix) + after)

    can_changed.connect(action.setEnabled)
    text_changed.connect(show_text)
    action.setEnabled(can())
    show_text(text())
    return action


def build_actions(win):
    """Create every action of ``win`` (a MainWindow); return them by name."""
    a = SimpleNamespace()
    sp = QStyle.StandardPixmap
    a.new = _action(win, "&New", "Start a new, small network", win.new_project, QKeySequence.New,
                    sp.SP_FileIcon)
    a.open = _action(win, "&Open…", "Open a project file", win.open_dialog, QKeySequence.Open,
                     sp.SP_DialogOpenButton)
    a.import_data = _action(win, "&Import Data…", "Replace the data with a CSV file or a bundled data set "
                            "(iris, wine, breast cancer, handwritten digits)", lambda: open_import_dialog(win))
    a.save = _action(win, "&Save", "Save the project", win.save, QKeySequence.Save, sp.SP_DialogSaveButton)
    a.save_as = _action(win, "Save &As…", "Save the project under a new file name", win.save_as,
                        QKeySequence.SaveAs)
    a.quit = _action(win, "&Quit", "Close Backprop Studio", win.close, QKeySequence.Quit)

    stack = win.document.undo_stack
    # not createUndoAction: undo must first stop a run, which puts it on the stack
    a.undo = _stack_action(win, stack, "&Undo", win.undo, stack.canUndoChanged, stack.undoTextChanged,
                           stack.canUndo, stack.undoText)
    a.undo.setShortcut(QKeySequence.Undo)
    icons.set_icon(a.undo, "undo")
    redo_keys = redo_shortcuts()
    a.redo = _stack_action(win, stack, "&Redo", win.redo, stack.canRedoChanged, stack.redoTextChanged,
                           stack.canRedo, stack.redoText, keys_text(redo_keys, REDO_KEYS))
    a.redo.setShortcuts(redo_keys)
    icons.set_icon(a.redo, "redo")
    for action, tip in ((a.undo, "Take back the last edit"), (a.redo, "Make the last undone edit again")):
        action.setToolTip(f"{tip} ({keys_text(action.shortcuts(), REDO_KEYS).replace(', ', ' or ')})")
        action.setStatusTip(tip)
    a.delete = _action(win, "&Delete", "Delete the selected neurons and edges (every neuron of a hidden layer: "
                       "the layer)", win.delete_selection,
                       QKeySequence.Delete, sp.SP_TrashIcon)
    a.select_all = _action(win, "Select &All", "Select every neuron and edge", win.select_all,
                           QKeySequence.SelectAll)

    a.zoom_in = _action(win, "Zoom &In", "Make the drawing bigger", win.zoom_in, QKeySequence.ZoomIn,
                        "zoom_in")
    a.zoom_in.setShortcuts(zoom_in_shortcuts())
    zoom_keys = keys_text(a.zoom_in.shortcuts(), ("Ctrl+=",))
    a.zoom_in.setText(f"Zoom &In\t{zoom_keys}")
    a.zoom_in.setToolTip(f"Make the drawing bigger ({zoom_keys.replace(', ', ' or ')})")
    a.zoom_out = _action(win, "Zoom &Out", "Make the drawing smaller", win.zoom_out, QKeySequence.ZoomOut,
                         "zoom_out")
    a.fit = _action(win, "&Fit", "Show the whole network", win.fit, QKeySequence("Ctrl+0"), "fit")

    # The canvas's two colour modes: one checked at a time
    a.colour_group = QActionGroup(win)
    a.colour_weights = _action(win, "Colour Edges by &Weight", "Edges coloured by the sign of their weight and "
                               "as wide as its size; neuron rims show the bias",
                               lambda: win.view.set_colour_mode("weights"), checkable=True)
    a.colour_gradients = _action(win, "Colour Edges by &Gradient", "Edges coloured by |dL/dw| on a log scale; "
                                 "neurons filled by their delta dL/dz (after a training step)",
                                 lambda: win.view.set_colour_mode("gradients"), checkable=True)
    for action in (a.colour_weights, a.colour_gradients):
        a.colour_group.addAction(action)
    a.colour_weights.setChecked(True)

    a.reset_layout = _action(win, "&Reset Layout", "Put the panels and the toolbar back in their places and sizes "
                             "at start-up", win.reset_layout)

    a.add_neuron = _action(win, "Add &Neuron", "Add a neuron to the chosen layer", win.add_neuron,
                           QKeySequence("Ctrl+Shift+N"), "add_neuron")
    a.insert_before = _action(win, "Insert Layer &Before", "Insert a hidden layer before the chosen layer",
                              win.insert_layer_before, icon="insert_layer")
    a.insert_after = _action(win, "Insert Layer &After", "Insert a hidden layer after the chosen layer",
                             win.insert_layer_after, icon="insert_layer")
    a.remove_layer = _action(win, "&Remove Layer", "Remove the chosen hidden layer and its edges. " + REWIRE_TIP,
                             win.remove_layer, icon="remove_layer")
    # The toolbar's Insert Layer: after the chosen layer, or before it if that is the
    # output, as the output neuron's context menu offers.
    a.insert_layer = _action(win, "Insert &Layer", "Insert a hidden layer after the chosen layer",
                             lambda: insert_layer_here(win), icon="insert_layer")
    for action, short in ((a.add_neuron, "Add Neuron"), (a.insert_layer, "Insert Layer"),
                          (a.remove_layer, "Remove Layer")):
        action.setIconText(short)  # the menu text names the layer; the toolbar stays short
    a.activation_group = QActionGroup(win)
    a.activations = {}
    for name in ACTIVATION_NAMES:
        act = _action(win, activation_label(name), f"Use {activation_label(name)} in the chosen layer",
                      lambda name=name: win.set_activation(name), checkable=True)
        a.activation_group.addAction(act)
        a.activations[name] = act
    a.connect_layers = _action(win, "Fully &Connect Layers…", "Connect every neuron of one layer to "
                               "every neuron of a later layer", win.connect_layers)
    a.disconnect_layers = _action(win, "&Disconnect Layers…", "Remove every edge between two layers",
                                  win.disconnect_layers)
    a.relayout = _action(win, "Re-&layout", "Forget dragged positions and lay the network out neatly",
                         win.relayout, icon="relayout")

    a.train_play = _action(win, "&Play", "Train until paused", win.toggle_training, QKeySequence(Qt.Key_Space),
                           "play")
    a.train_step = _action(win, "S&tep", "Train on one mini-batch", win.train_step, QKeySequence("Ctrl+T"),
                           "step")
    a.train_epoch = _action(win, "Step &Epoch", "Train one epoch: every training example once",
                            win.train_epoch, QKeySequence("Ctrl+E"), "epoch")
    a.train_phase = _action(win, "Step P&hase", "Run one phase of a step: forward through the next layer, "
                            "the loss, backward through the next layer, or the update", win.train_phase,
                            QKeySequence("Ctrl+Shift+T"), "phase")
    a.train_run = _action(win, "&Run Epochs", "Train the number of epochs set in the Plots panel, or until "
                          "its target loss or accuracy is reached", win.train_run)
    a.train_cancel = _action(win, "&Cancel Run", "Stop training now; the steps trained so far stay (undo "
                             "takes them back)", win.pause_training, icon="stop")
    a.train_reset = _action(win, "Re&set Weights", "Draw fresh random weights from the seed and start "
                            "training again at step 0 (undoable)", win.reset_training, icon="reset")
    a.train_new_weights = _action(win, "&New Random Weights", "Move the seed on to the next value and draw "
                                  "fresh random weights from it: play again from other starting weights "
                                  "(undoable)", win.new_weights)
    a.train_cancel.setEnabled(False)
    a.compare = _action(win, "&Compare…", "Train the project against a copy that differs in one setting (loss, "
                        "activation, learning rate...), side by side on the same data and seed", win.open_compare)

    a.how_to = _action(win, "&How to Use", "The mouse gestures and keys of the editor", win.show_how_to,
                       QKeySequence.HelpContents)
    a.about = _action(win, "&About Backprop Studio", "What this program is", win.show_about)
    return a


def build_menus(win, a, docks, lessons):
    """The menu bar. ``docks`` are QDockWidgets; ``lessons`` is [(name, label)]."""
    bar = win.menuBar()
    file = bar.addMenu("&File")
    file.addActions([a.new, a.open])
    win.recent_menu = file.addMenu("Open &Recent")
    win.recent_menu.setToolTipsVisible(True)
    file.addSeparator()
    file.addAction(a.import_data)
    file.addSeparator()
    file.addActions([a.save, a.save_as])
    win.export_menu = file.addMenu("&Export")
    win.exports = ExportActions(win, win.export_menu)
    file.addSeparator()
    file.addAction(a.quit)

    edit = bar.addMenu("&Edit")
    edit.addActions([a.undo, a.redo])
    edit.addSeparator()
    edit.addActions([a.delete, a.select_all])

    view = bar.addMenu("&View")
    view.addActions([a.zoom_in, a.zoom_out, a.fit])
    view.addSeparator()
    view.addActions([a.colour_weights, a.colour_gradients])
    view.addSeparator()
    for dock in docks:
        toggle = dock.toggleViewAction()
        toggle.setToolTip(f"Show or hide the {dock.windowTitle().replace('&&', '&')} panel")
        toggle.setStatusTip(toggle.toolTip())
        view.addAction(toggle)
    toolbar_toggle = win.toolbar.toggleViewAction()
    toolbar_toggle.setText("&Toolbar")
    toolbar_toggle.setToolTip("Show or hide the toolbar")
    view.addAction(toolbar_toggle)
    view.addSeparator()
    view.addAction(a.reset_layout)

    network = bar.addMenu("&Network")
    network.addAction(a.add_neuron)
    network.addSeparator()
    network.addActions([a.insert_before, a.insert_after, a.remove_layer])
    win.activation_menu = network.addMenu("Set &Activation")
    win.activation_menu.setToolTipsVisible(True)
    win.activation_menu.addActions(list(a.activations.values()))
    network.addSeparator()
    network.addActions([a.connect_layers, a.disconnect_layers])
    network.addSeparator()
    network.addAction(a.relayout)

    train = bar.addMenu("&Train")
    train.setToolTipsVisible(True)
    train.addActions([a.train_play, a.train_step, a.train_epoch, a.train_phase])
    train.addSeparator()
    train.addActions([a.train_run, a.train_cancel])
    train.addSeparator()
    train.addActions([a.train_reset, a.train_new_weights])
    train.addSeparator()
    train.addAction(a.compare)

    lesson_menu = bar.addMenu("&Lessons")
    lesson_menu.setToolTipsVisible(True)
    a.lessons = {}
    # Checked: the lesson the project came from, while it is unchanged.
    a.lesson_group = QActionGroup(win)
    a.lesson_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
    for name, label in lessons:
        act = _action(win, label, f"Open the “{label}” lesson (replaces the current project)",
                      lambda name=name: win.open_lesson(name), checkable=True)
        a.lesson_group.addAction(act)
        lesson_menu.addAction(act)
        a.lessons[name] = act
    if not lessons:
        empty = lesson_menu.addAction("No lessons installed")
        empty.setEnabled(False)

    help_menu = bar.addMenu("&Help")
    help_menu.addActions([a.how_to, a.about])
    for menu in (file, edit, view, network, train):
        menu.setToolTipsVisible(True)


def build_toolbar(win, a):
    toolbar = QToolBar("Toolbar", win)
    toolbar.setObjectName("main_toolbar")
    toolbar.setToolTip("Common actions")
    toolbar.addActions([a.new, a.open, a.save])
    toolbar.addSeparator()
    toolbar.addActions([a.undo, a.redo, a.delete])
    toolbar.addSeparator()
    toolbar.addActions([a.add_neuron, a.insert_layer, a.remove_layer])
    toolbar.addSeparator()
    toolbar.addActions([a.zoom_in, a.zoom_out, a.fit, a.relayout])
    toolbar.addSeparator()
    toolbar.addActions([a.train_play, a.train_step, a.train_epoch, a.train_phase])
    toolbar.setToolButtonStyle(Qt.ToolButtonIconOnly)
    for action in (a.add_neuron, a.insert_layer, a.remove_layer, a.relayout):
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
    win.addToolBar(toolbar)
    return toolbar


def show_running(a, running):
    """Play becomes Pause while a run goes on."""
    if running:
        a.train_play.setText("&Pause")
        icons.set_icon(a.train_play, "pause")
        tip = "Pause training between two steps"
    else:
        a.train_play.setText("&Play")
        icons.set_icon(a.train_play, "play")
        tip = "Train until paused"
    a.train_play.setToolTip(f"{tip} (Space)")
    a.train_play.setStatusTip(tip)
    a.train_cancel.setEnabled(running)
    for action in (a.train_step, a.train_epoch, a.train_phase, a.train_run):
        action.setEnabled(not running)


def fill_recent_menu(win, menu, paths):
    menu.clear()
    for index, path in enumerate(paths, 1):
        act = QAction(f"&{index} {path.rsplit('/', 1)[-1]}", menu)
        act.setToolTip(path)
        act.setStatusTip(path)
        act.triggered.connect(lambda checked=False, path=path: win.open_path(path))
        menu.addAction(act)
    if paths:
        menu.addSeparator()
        clear = menu.addAction("Clear List")
        clear.setToolTip("Forget the recently opened files")
        clear.triggered.connect(win.clear_recent)
    else:
        none = menu.addAction("No recent files")
        none.setEnabled(False)
    menu.setEnabled(True)


def insert_place(net, layer):
    """Where the toolbar's Insert Layer puts the new layer for the chosen ``layer``
    (None: nothing chosen): after it, but before the output layer, which has no after."""
    if layer is None or layer >= net.output_layer:
        return net.output_layer
    return layer + 1


def insert_layer_here(win):
    return win.document.insert_layer(insert_place(win.document.network, win.selected_layer()))


def show_layer_actions(a, activation_menu, net, layer, selected):
    """Name the chosen layer in the Network menu's actions and enable what applies to it.

    ``layer`` is the chosen layer; ``selected`` False means nothing is
    selected and ``layer`` is the default (the last hidden layer, or the output).
    """
    name = layer_title(layer, net.n_layers)
    hidden = 0 < layer < net.output_layer
    if selected or hidden:
        a.add_neuron.setText(f"Add &Neuron to {name}")
        a.add_neuron.setToolTip(f"Add a neuron to {name} (Ctrl+Shift+N)")
    else:
        a.add_neuron.setText("Add &Neuron")
        a.add_neuron.setToolTip(SELECT_LAYER_FIRST + ", then add a neuron to it (Ctrl+Shift+N)")
    if selected:
        a.insert_before.setText(f"Insert Layer &Before {name}")
        a.insert_after.setText(f"Insert Layer &After {name}")
        places = ((a.insert_before, layer, f"Insert a hidden layer before {name}"),
                  (a.insert_after, layer + 1, f"Insert a hidden layer after {name}"))
    else:  # nothing chosen: just before the output, as on the perceptron lesson
        last = layer_title(net.output_layer - 1, net.n_layers)
        a.insert_before.setText("Insert Layer &Before Output")
        a.insert_after.setText(f"Insert Layer &After {last}")
        tip = ("Insert a hidden layer just before the Output layer (nothing is selected: "
               "click a neuron or a layer's column to insert elsewhere)")
        places = ((a.insert_before, net.output_layer, tip), (a.insert_after, net.output_layer, tip))
    where = insert_place(net, layer if selected else None)
    places += ((a.insert_layer, where, f"Insert a hidden layer between {layer_title(where - 1, net.n_layers)} "
                                       f"and {layer_title(where, net.n_layers)}"),)
    for action, index, tip in places:
        # the model's rule, as the canvas's context menu asks it
        reason = net.check_insert_layer(index, NEW_LAYER_SIZE, NEW_LAYER_ACTIVATION)
        action.setEnabled(reason is None)
        action.setToolTip(tip if reason is None else sentence(reason))
        action.setStatusTip(action.toolTip())
    a.remove_layer.setToolTip(f"Remove {name} and its edges. {REWIRE_TIP}" if hidden else
                              "Remove the chosen hidden layer (click a hidden layer's neuron first)")
    a.remove_layer.setText(f"&Remove {name}" if hidden else "&Remove Layer")
    a.remove_layer.setEnabled(hidden)
    activation_menu.setTitle(f"Set &Activation of {name}")
    activation_menu.setEnabled(layer > 0)
    current = net.activations[layer - 1] if layer > 0 else None
    allowed = net.allowed_activations(layer)
    for act_name, action in a.activations.items():
        action.setChecked(act_name == current)
        action.setEnabled(act_name in allowed)
        action.setText(activation_label(act_name))


__all__ = ["REWIRE_TIP", "SELECT_LAYER_FIRST", "build_actions", "insert_place", "keys_text", "zoom_in_shortcuts", "build_menus", "build_toolbar", "fill_recent_menu",
           "show_layer_actions", "show_running", "activation_label"]
