"""Context menus of the canvas: what a right-click offers on a neuron, an
edge, a layer's column or the background. Every action calls the Document."""

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from simulator.activations import ACTIVATION_NAMES
from simulator.names import layer_title

from ..wording import activation_label, sentence


def context_menu(scene, pos, parent=None):
    """The menu for whatever is under scene position ``pos``, built but not shown."""
    doc, hit = scene.document, scene.hit_test(pos)
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)

    def add(text, slot, enabled=True, tip=""):
        action = menu.addAction(text)
        action.triggered.connect(slot)
        action.setEnabled(enabled)
        action.setToolTip(tip)
        return action

    if hit is None:
        add("Fit to View", lambda: [v.fit() for v in scene.views() if hasattr(v, "fit")])
        add("Re-layout", doc.clear_positions, bool(doc.positions), "Forget moved positions: automatic layout")
        add("Select All", scene.select_all)
    elif hit[0] == "neuron":
        (layer, index) = key = hit[1]
        if len(scene.selected_neurons()) + len(scene.selected_edges()) > 1 and scene.neuron_item(key).isSelected():
            add("Delete Selection", scene.delete_selection)
        else:
            # As the Delete key: the last neuron of a hidden layer takes the layer with it.
            add("Delete Neuron", lambda: doc.delete_items(neurons=[key]))
        add("Set Bias\u2026", lambda: scene.edit_bias(key), layer > 0)
        add("Add Neuron to This Layer", lambda: doc.add_neuron(layer))
        menu.addSeparator()
        add_layer_actions(menu, doc, layer)
    elif hit[0] == "edge":
        src, dst = hit[1]
        add("Set Weight\u2026", lambda: scene.edit_weight(src, dst))
        add("Delete Edge", lambda: doc.disconnect(src, dst))
    else:
        layer = hit[1]
        add("Add Neuron Here", lambda: scene.add_neuron_at(layer, pos))
        menu.addSeparator()
        add_layer_actions(menu, doc, layer)
    return menu

def add_layer_actions(menu, doc, layer):
    """Activation, insert/remove layer, fully connect/disconnect: for ``layer``."""
    net = doc.network
    last = net.output_layer
    allowed = net.allowed_activations(layer)
    if allowed:
        sub = menu.addMenu("Layer Activation")
        group = QActionGroup(sub)
        for name in ACTIVATION_NAMES:
            action = QAction(activation_label(name), sub, checkable=True)
            action.setChecked(net.layers[layer].activation == name)
            action.setEnabled(name in allowed)
            action.triggered.connect(lambda _=False, n=name: doc.set_activation(layer, n))
            group.addAction(action)
            sub.addAction(action)
    for text, index in (("Insert Layer Before", layer), ("Insert Layer After", layer + 1)):
        action = menu.addAction(text)
        reason = doc.insert_layer_reason(index)  # the model's rule, as the toolbar and the Network menu ask it
        action.setEnabled(reason is None)
        action.setToolTip(sentence(reason) if reason else "")
        action.triggered.connect(lambda _=False, index=index: doc.insert_layer(index))
    later = range(layer + 1, last + 1)
    full = menu.addMenu("Fully Connect To")
    for j in later:
        block = net.blocks.get((layer, j))
        action = full.addAction(f"{layer_title(j, last + 1)} (layer {j})")
        action.setEnabled(block is None or not block.full)
        action.triggered.connect(lambda _=False, j=j: doc.connect_layers(layer, j))
    full.setEnabled(bool(later))
    cut = menu.addMenu("Disconnect From")
    for j in later:
        if (layer, j) in net.blocks:
            action = cut.addAction(f"{layer_title(j, last + 1)} (layer {j})")
            action.triggered.connect(lambda _=False, j=j: doc.disconnect_layers(layer, j))
    cut.setEnabled(not cut.isEmpty())
    menu.addSeparator()
    remove = menu.addAction("Remove Layer")
    remove.setToolTip("Remove this layer and its edges. If no other edges join the layers on either side, "
                      "they are then connected directly, with new random weights.")
    remove.setEnabled(0 < layer < last)
    remove.triggered.connect(lambda: doc.remove_layer(layer))
