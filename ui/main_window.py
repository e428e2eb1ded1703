"""The main window: canvas in the centre, panels in docks, menus and toolbar.

Wiring only. The model changes through the Document; questions to the
person go through ``self.dialogs`` (ui/dialogs.py), which tests replace.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QToolButton, QUndoView,
                               QVBoxLayout, QWidget)

from simulator.names import layer_title

from . import help_text
from .actions import (SELECT_LAYER_FIRST, build_actions, build_menus, build_toolbar,
                      show_layer_actions, show_running)
from .dialogs import Dialogs
from .window_files import FileCommands, lesson_label
from .document import Document
from .icons import refresh_icons
from .inspector import Inspector
from .lesson_view import LessonView
from .network_view import NetworkView
from .recent import RecentFiles, open_settings
from .recovery import Recovery
from .settings_dock import SettingsPanel
from .status_bar import StatusBar
from .theme import ThemeWatcher, restyle_plots
from .training.controller import TrainingController
from .training.controls import TrainingPanel
from .training.parts import SpaceToPlay
from .wording import plural, sentence

from simulator.lessons import lesson_text
from simulator.presets import PRESET_NAMES

APP_NAME = "Backprop Studio"
CANVAS_MIN = QSize(240, 160)   # the canvas keeps at least this much of a small window
CANVAS_ROOM = QSize(520, 320)  # a growing window first gives squeezed docks their room back, down to this canvas


class MainWindow(FileCommands, QMainWindow):
    """Backprop Studio's window.

    Parameters
    ----------
    document : Document, optional
    dialogs : Dialogs, optional
        Questions and messages; tests pass an object that answers at once.
    remember : bool
        Read and write recent files and window geometry (QSettings).
    """

    def __init__(self, document=None, dialogs=None, remember=True):
        super().__init__()
        self.setObjectName("main_window")
        self.document = document if document is not None else Document()
        self.document.setParent(self)
        self.dialogs = dialogs if dialogs is not None else Dialogs(self)
        self.remember = remember
        self.recent = RecentFiles(open_settings()) if remember else None
        self.lesson = None  # the lesson the document was opened from, if it was
        self._lesson_speed = None  # the speed the open lesson set on the slider, if it set one
        self.compare_window = None  # Train > Compare…, built when first asked for
        self.recovery = Recovery(self.document, parent=self) if remember else None

        self.view = NetworkView(self.document)
        self.view.setToolTip("")
        self.setCentralWidget(self.view)
        self.inspector = Inspector(self.document)
        self.settings_panel = SettingsPanel(self.document)
        self.lesson_text = LessonView()  # loads nothing a file names; opens web links on click
        self.lesson_text.message.connect(self.show_message)
        self.lesson_text.setToolTip("What this project is about")
        self.training = TrainingController(self.document, self)
        self._plot_views = None  # (loss plot, training views): built by build_plot_views
        self._views_neuron = None
        self.plots = QWidget()  # filled once the actions exist: the training panel above the plot tabs
        self.undo_view = QUndoView(self.document.undo_stack)
        self.undo_view.setEmptyLabel("Opened project")
        self.undo_view.setToolTip("Every edit so far: click one to go back to that point")

        self.docks = [
            self._dock("Inspector", self.inspector, Qt.RightDockWidgetArea),
            self._dock("Data && Training", self.settings_panel, Qt.LeftDockWidgetArea),
            self._dock("Undo History", self.undo_view, Qt.LeftDockWidgetArea),
            self._dock("Lesson", self.lesson_text, Qt.BottomDockWidgetArea),
            self._dock("Plots", self.plots, Qt.BottomDockWidgetArea),
        ]
        self.tabifyDockWidget(self.docks[1], self.docks[2])
        self.docks[1].raise_()
        self.resizeDocks(self.docks[:2], [360, 330], Qt.Horizontal)
        self.resizeDocks([self.docks[3]], [140], Qt.Vertical)

        self.acts = build_actions(self)
        self.toolbar = build_toolbar(self, self.acts)
        lessons = [(name, lesson_label(name)) for name in PRESET_NAMES]
        build_menus(self, self.acts, self.docks, lessons)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()
        self._build_training()

        self.setStatusBar(StatusBar())  # long messages end in "…", whole in its tooltip
        self.counts_label = QLabel()
        self.counts_label.setToolTip("Layers, neurons, edges and trainable parameters (weights and biases)")
        self.file_label = QLabel()
        self.file_label.setToolTip("The project file; * means there are unsaved changes")
        self.file_label.setStyleSheet("padding-left: 10px; border-left: 1px solid #c0c0c0;")
        self.counts_label.setStyleSheet("padding-right: 6px;")
        self.statusBar().addPermanentWidget(self.counts_label)
        self.statusBar().addPermanentWidget(self.file_label)

        doc = self.document
        doc.structure_changed.connect(self._on_structure_changed)
        doc.structure_changed.connect(self._show_lesson_text)  # activations included
        doc.modified_changed.connect(self._update_title)
        doc.modified_changed.connect(self._update_lessons)
        doc.path_changed.connect(self._update_title)
        doc.project_replaced.connect(self._on_project_replaced)
        doc.message.connect(self.show_message)
        self.view.scene().current_changed.connect(self.inspector.set_current)
        self.view.scene().selection_counted.connect(self.inspector.set_selection_counts)
        self.view.scene().current_changed.connect(self._update_layer_actions)
        self._on_project_replaced()
        self._on_structure_changed()
        self.theme = ThemeWatcher(self)  # the system turned light or dark: so does everything drawn here
        self.theme.changed.connect(self._on_theme_changed)
        self.resize(1400, 900)
        self.view.setMinimumSize(CANVAS_MIN)  # a small window squeezes the docks, never the drawing away
        self._default_state = self.saveState()  # View > Reset Layout goes back to this
        self.layout().activate()  # lay the docks out at the default size: what squeezed docks grow back to
        self._remember_docks()
        self._restore_geometry()

    # ------------------------------------------------------------ training
    def _build_training(self):
        self.training_panel = TrainingPanel(self.training, self.acts)
        layout = QVBoxLayout(self.plots)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.training_panel)
        self.resizeDocks([self.docks[4]], [400], Qt.Vertical)
        self.resizeDocks([self.docks[3], self.docks[4]], [280, 1100], Qt.Horizontal)
        self.training.add_view(self.view)
        self.training.add_view(self.inspector)
        self._traced = None
        self.view.scene().current_changed.connect(self._on_current_for_views)
        self.training.running_changed.connect(self._on_running_changed)
        self.training.snapshot_shown.connect(self._on_training_snapshot)
        self.training.message.connect(self.show_message)
        self.training.problem.connect(self._on_training_problem)
        self._space = SpaceToPlay(self.view, self.toggle_training)

    def build_plot_views(self):
        """Make the loss plot and the training views (the Plots dock's tabs), once.

        They need pyqtgraph, which takes longer to import than the rest of the
        window takes to appear, so the app builds them just after the window's
        first paint (ui/app.py); asking for ``loss_plot``, ``training_views`` or
        ``plot_tabs`` builds them at once.
        """
        if self._plot_views is not None:
            return
        from .plots import LossPlot
        from .plots.views_panel import TrainingViews

        loss_plot = LossPlot()
        loss_plot.set_history(self.training.history)
        views = TrainingViews(self.document)
        self._plot_views = (loss_plot, views)
        # the loss first, then the output, activation and gradient-flow views
        tabs = views.tabs
        tabs.setToolTip("")
        tabs.insertTab(0, loss_plot, "Loss")
        views.view_names["loss"] = loss_plot
        views.set_settings_source(lambda: self.document.settings, self.document.settings_changed)
        tabs.setTabToolTip(0, "Training and test loss per step, and accuracy for classification.")
        tabs.setCurrentIndex(0)
        for button in tabs.tabBar().findChildren(QToolButton):  # the tab bar's scroll arrows
            button.setToolTip("Show more plot tabs")
        self.plots.layout().addWidget(views, 1)
        from .training.scrubber import StepScrubber
        self.scrubber = StepScrubber(self.training, loss_plot)  # step back along the run
        self.plots.layout().addWidget(self.scrubber)
        views.show()  # at once, not at the next turn of the event loop, if the dock is on screen
        self.training.add_view(loss_plot)
        self.training.add_view(views)
        views.sample_clicked.connect(self.trace_sample)
        views.point_added.connect(self.document.add_data_point)
        views.point_removed.connect(self.document.remove_data_point)
        views.point_moved.connect(self.document.move_data_point)
        views.points_drawn.connect(self.document.add_data_points)
        views.set_neuron(self._views_neuron)
        self._show_lesson_view()

    @property
    def loss_plot(self):
        self.build_plot_views()
        return self._plot_views[0]

    @property
    def training_views(self):
        self.build_plot_views()
        return self._plot_views[1]

    @property
    def plot_tabs(self):
        return self.training_views.tabs

    def trace_sample(self, dataset_name, index):
        """Show backpropagation of one example on the canvas (a click on a point
        of the output map): z, a and delta on the neurons, dL/dw on the edges.
        A second click on the same point hides it again."""
        if self._traced == (dataset_name, index):
            self.clear_trace()
            self.show_message("Trace hidden")
            return
        trace = self.training.trace(dataset_name, index)
        if trace is None or not self.view.show_trace(trace):
            return
        self._traced = (dataset_name, index)
        self.training_views.set_example(dataset_name, index)
        which = "training" if dataset_name == "train" else "test"
        inputs = ", ".join(f"{v:.3g}" for v in trace.x)
        targets = ", ".join(f"{v:.3g}" for v in trace.y)
        self.show_message(f"Tracing example {index + 1} of the {which} set: input ({inputs}), target "
                          f"({targets}), loss {trace.loss:.4g}. The canvas shows z, a and delta on each "
                          f"neuron and dL/dw on each edge (zoom in to read them); click the point again "
                          f"to hide them", 30000)

    def clear_trace(self):
        self._traced = None
        self.view.show_trace(None)

    def _on_current_for_views(self, current):
        self._views_neuron = current[1] if current is not None and current[0] == "neuron" else None
        if self._plot_views is not None:
            self.training_views.set_neuron(self._views_neuron)
            self.training_views.set_edge(current[1] if current is not None and current[0] == "edge" else None)

    def toggle_training(self):
        self.training.toggle()

    def pause_training(self):
        self.training.pause()

    def train_step(self):
        self.training.step()

    def train_epoch(self):
        self.training.step_epoch()

    def train_run(self):
        self.training_panel.run_epochs()

    def train_phase(self):
        phase = self.training.step_phase()
        trainer = self.training.trainer
        in_pass = trainer is not None and trainer.pass_in_progress is not None
        self.view.set_phase(phase if in_pass else None)

    def reset_training(self):
        self.training.reset()

    def new_weights(self):
        self.training.new_weights()

    def open_compare(self):
        """Train > Compare…: the project against a copy differing in one setting (ui/compare/)."""
        from .compare import show_compare  # pyqtgraph: imported when first needed
        return show_compare(self)

    def undo(self):
        self.training.stop()  # a run goes on the stack first, so this undoes it
        self.document.undo_stack.undo()

    def redo(self):
        if self.training.running:
            return  # off while training runs (a redo would race the worker); pause first
        self.document.undo_stack.redo()

    def _on_running_changed(self, running):
        show_running(self.acts, running)
        # clicking an entry jumps through the history; it waits until the run is paused
        self.undo_view.setEnabled(not running)
        stack = self.document.undo_stack
        if running:
            self.view.set_phase(None)
            self.clear_trace()  # the weights it was computed with are changing
            # undo pauses the run, which becomes the step it takes back
            self.acts.undo.setEnabled(True)
            self.acts.undo.setText("&Undo Training")
        else:
            self.acts.undo.setEnabled(stack.canUndo())
            self.acts.undo.setText(f"&Undo {stack.undoText()}" if stack.undoText() else "&Undo")
        self.acts.redo.setEnabled(not running and stack.canRedo())

    def _on_training_snapshot(self, snap):
        # between runs, Cancel drops a step being stepped through; once none is, the canvas shows no phase
        if self.training.running:
            return
        trainer = self.training.trainer
        in_pass = trainer is not None and trainer.pass_in_progress is not None
        self.acts.train_cancel.setEnabled(in_pass)
        if not in_pass:
            self.view.set_phase(None)

    def _on_training_problem(self, text):
        self.show_message(text, 20000)  # the training panel shows it too

    def _dock(self, title, widget, area):
        dock = QDockWidget(title, self)
        dock.setObjectName(title.lower().replace(" && ", "_").replace(" ", "_") + "_dock")
        dock.setWidget(widget)
        dock.setToolTip("")
        self.addDockWidget(area, dock)
        return dock

    def _on_theme_changed(self, old_plot_colours):
        self.view.apply_theme()
        refresh_icons(self)
        restyle_plots(self, old_plot_colours)

    # ------------------------------------------------------------- messages
    def show_message(self, text, msec=6000):
        """Show ``text`` in the status bar, as a sentence whoever wrote it."""
        self.statusBar().showMessage(sentence(text), msec)

    def _update_title(self, *_):
        name = self.document.display_name()
        marker = "*" if self.document.is_modified() else ""
        self.setWindowTitle(f"{name}{marker} — {APP_NAME}")
        self.file_label.setText(f"{name}{marker}")

    def _on_structure_changed(self):
        net = self.document.network
        parts = [(net.n_layers, "layer"), (sum(net.sizes), "neuron"), (net.edge_count, "edge"),
                 (net.parameter_count, "parameter")]
        self.counts_label.setText(" · ".join(plural(n, word) for n, word in parts))
        self._update_layer_actions()

    def _on_project_replaced(self):
        self._lesson_shown = None
        self._show_lesson_text()
        self.lesson = None  # open_lesson names it once the lesson is in
        self.statusBar().clearMessage()  # what was said of the old project does not linger
        self._update_title()
        self._update_lessons()
        self.inspector.set_current(None)
        self._show_lesson_view()
        lesson = self.document.project.lesson or {}
        panel, set_by_lesson = self.training_panel, self._lesson_speed
        if "speed" in lesson:  # a run the lesson asks to watch runs at a speed one can watch
            panel.set_speed(lesson["speed"])
            self._lesson_speed = lesson["speed"]
        elif set_by_lesson is not None:
            # the last lesson's slow motion ends with it, unless the learner chose a speed since
            if panel.speed_value() == set_by_lesson:
                panel.set_speed(None)
            self._lesson_speed = None

    def _show_lesson_view(self):
        """Bring the training view a lesson names (its ``view``) to the front of the Plots dock."""
        view = (self.document.project.lesson or {}).get("view")
        if view and self._plot_views is not None:
            self.training_views.show_view(view)

    def _show_lesson_text(self):
        """The lesson's text while the network is still the lesson's; otherwise a note that it changed."""
        project = self.document.project
        shown = (project.title or "Untitled project", lesson_text(project, self.document.network))
        if shown != getattr(self, "_lesson_shown", None):  # re-render only when it changes
            self._lesson_shown = shown
            self.lesson_text.show_lesson(*shown)

    # --------------------------------------------------------------- edits
    def scene(self):
        return self.view.scene()

    def delete_selection(self):
        if not self.scene().delete_selection():
            if not (self.scene().selected_neurons() or self.scene().selected_edges()):
                self.show_message("Select neurons or edges first, then delete them.")

    def select_all(self):
        self.scene().select_all()

    def zoom_in(self):
        self.view.zoom_in()

    def zoom_out(self):
        self.view.zoom_out()

    def fit(self):
        self.view.fit()

    def _refit(self):
        self.view.fit()

    def selected_layer(self):
        """The layer of the current neuron, edge or layer column, or None."""
        layer = self.scene().current_layer()
        return layer if layer is not None and 0 <= layer < self.document.network.n_layers else None

    def chosen_layer(self):
        """The current item's layer, else the last hidden layer, else the output layer."""
        layer, net = self.selected_layer(), self.document.network
        if layer is not None:
            return layer
        return net.output_layer - 1 if net.n_layers > 2 else net.output_layer

    def add_neuron(self):
        """To the chosen layer; with nothing chosen, the last hidden layer, never
        a surprise output neuron that the data has no target for."""
        layer, net = self.selected_layer(), self.document.network
        if layer is None and net.n_layers > 2:
            layer = net.output_layer - 1
        if layer is None:
            self.show_message(SELECT_LAYER_FIRST)
            return
        self.document.add_neuron(layer)

    def insert_layer_before(self):
        layer = self.selected_layer()
        self.document.insert_layer(self.document.network.output_layer if layer is None else max(layer, 1))

    def insert_layer_after(self):
        layer = self.selected_layer()
        self.document.insert_layer(self.document.network.output_layer if layer is None else layer + 1)

    def remove_layer(self):
        self.document.remove_layer(self.chosen_layer())

    def set_activation(self, name):
        self.document.set_activation(self.chosen_layer(), name)
        self._update_layer_actions()

    def connect_layers(self):
        self._layer_pair("Fully connect layers", self.document.connect_layers)

    def disconnect_layers(self):
        self._layer_pair("Disconnect layers", self.document.disconnect_layers)

    def _layer_pair(self, title, edit):
        net = self.document.network
        names = [layer_title(l, net.n_layers) for l in range(net.n_layers)]
        dst = max(self.chosen_layer(), 1)
        pair = self.dialogs.ask_layer_pair(title, names, (dst - 1, dst))
        if pair is not None:
            edit(*pair)

    def relayout(self):
        self.document.clear_positions()
        self._refit()

    def _update_layer_actions(self, *_):
        show_layer_actions(self.acts, self.activation_menu, self.document.network, self.chosen_layer(),
                           self.selected_layer() is not None)

    # ----------------------------------------------------------------- help
    def show_how_to(self):
        self.dialogs.show_info("How to use Backprop Studio", help_text.HOW_TO)

    def show_about(self):
        self.dialogs.show_info(f"About {APP_NAME}", help_text.about_text())

    # -------------------------------------------------------------- layout
    def reset_layout(self):
        """View > Reset Layout: the docks and the toolbar back in their places and sizes at start-up."""
        self.restoreState(self._default_state)
        self._regrow_docks()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        grew = event.size().width() > event.oldSize().width() or event.size().height() > event.oldSize().height()
        if not (grew and self._regrow_docks()) and self._canvas_has_room():
            self._remember_docks()

    def _canvas_has_room(self):
        size = self.view.size()
        return size.width() >= CANVAS_ROOM.width() and size.height() >= CANVAS_ROOM.height()

    def _dock_extents(self):
        """{dock: its width (side docks) or height (top and bottom)} for the docked, visible ones."""
        out = {}
        for dock in self.docks:
            if not dock.isHidden() and not dock.isFloating():
                side = self.dockWidgetArea(dock) in (Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea)
                out[dock] = (Qt.Horizontal, dock.width()) if side else (Qt.Vertical, dock.height())
        return out

    def _remember_docks(self):
        """The dock sizes of a window roomy enough for the canvas: what squeezed docks grow back to."""
        self._dock_sizes = self._dock_extents()

    def _regrow_docks(self):
        """Give docks squeezed by a small window their room back as it grows,
        while the canvas keeps CANVAS_ROOM where it can. True if one grew."""
        wanted, grown = getattr(self, "_dock_sizes", {}), False
        for orientation, spare in ((Qt.Horizontal, self.view.width() - CANVAS_ROOM.width()),
                                   (Qt.Vertical, self.view.height() - CANVAS_ROOM.height())):
            short = [(dock, now, wanted[dock][1]) for dock, (o, now) in self._dock_extents().items()
                     if o == orientation and dock in wanted and wanted[dock][0] == o and wanted[dock][1] > now]
            if spare <= 0 or not short:
                continue
            share = spare // len({self.dockWidgetArea(d) for d, _, _ in short})  # docks side by side share a row
            self.resizeDocks([d for d, _, _ in short], [min(want, now + share) for _, now, want in short],
                             orientation)
            grown = True
        return grown

    # ----------------------------------------------------------- lifecycle
    def _restore_geometry(self):
        if self.recent is None:
            return
        settings = self.recent.settings
        geometry, state = settings.value("window/geometry"), settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event):
        self.training.stop()  # no thread is left behind, and the run is on the undo stack before asking to save
        if not self.maybe_save():
            event.ignore()
            return
        if self.recent is not None:
            settings = self.recent.settings
            settings.setValue("window/geometry", self.saveGeometry())
            settings.setValue("window/state", self.saveState())
            settings.sync()
        if self.recovery is not None:
            self.recovery.close()
        if self.compare_window is not None:
            self.compare_window.close()  # its thread ends with it
        event.accept()
