"""Whether a network fits new data, and the smallest change that makes it fit."""

import pytest

from simulator.bundled import load_bundled
from simulator.data_fit import fit_reasons, fitted
from simulator.generators import make_dataset
from simulator.errors import EditError
from simulator.network import Network
from simulator.project_file import Project, inline_data
from simulator.settings import TrainingSettings


def small():
    return Network([2, 3, 1], ["tanh", "sigmoid"], seed=0), TrainingSettings(loss="binary_cross_entropy")


@pytest.mark.parametrize("name, sizes, activation, loss", [
    ("iris", [4, 3, 3], "softmax", "categorical_cross_entropy"),
    ("breast-cancer", [30, 3, 1], "sigmoid", "binary_cross_entropy"),  # two classes: the output already suits
    ("digits", [64, 3, 10], "softmax", "categorical_cross_entropy"),
])
def test_a_fitted_network_trains_on_the_data_and_keeps_its_hidden_weights(name, sizes, activation, loss):
    network, settings = small()
    data = load_bundled(name)
    assert fit_reasons(network, settings, data)
    new, new_settings, changes = fitted(network, settings, data)
    assert new.sizes == sizes and new.activations[-1] == activation and new_settings.loss == loss
    assert fit_reasons(new, new_settings, data) == [] and changes
    assert network.sizes == [2, 3, 1] and settings.loss == "binary_cross_entropy"  # the originals untouched
    assert (new.blocks[(0, 1)].weights[:2] == network.blocks[(0, 1)].weights).all()
    project = Project(network=new, data=inline_data(data, 0.2), settings=new_settings)
    assert project.problems() == []


def test_regression_gets_a_linear_output_and_l2():
    network, settings = small()
    data = make_dataset({"generator": "sine", "n": 20})
    assert "input layer has 2 neurons but the data has 1 input column" in fit_reasons(network, settings, data)[0]
    new, new_settings, changes = fitted(network, settings, data)
    assert new.sizes == [1, 3, 1] and new.activations[-1] == "linear" and new_settings.loss == "l2"
    assert changes == ["the input layer from 2 to 1 neuron", "the output activation to linear",
                       "the loss to L2 (mean squared error)"]


def test_a_network_that_fits_needs_no_change():
    network, settings = small()
    data = make_dataset({"generator": "xor", "n": 8})
    assert fit_reasons(network, settings, data) == []
    assert fitted(network, settings, data)[2] == []


def test_a_layer_too_large_is_refused_with_the_networks_reason(monkeypatch):
    network, settings = small()
    monkeypatch.setattr(Network, "check_resize_layer", lambda self, layer, size: "too many neurons")
    with pytest.raises(EditError, match="too many neurons"):
        fitted(network, settings, load_bundled("iris"))
