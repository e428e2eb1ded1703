"""One rule for which class an output says: the accuracy, the labels and the views agree."""

import numpy as np

from simulator.accuracy import CLASS_ONE_ABOVE, class_targets, count_right, predicted_classes
from simulator.datasets import Dataset


def test_a_single_output_says_class_one_only_above_the_threshold():
    a = np.array([[0.2], [CLASS_ONE_ABOVE], [0.51], [0.9]])
    assert predicted_classes(a).tolist() == [0, 0, 1, 1]


def test_accuracy_counts_the_rows_whose_predicted_class_is_the_label():
    two = Dataset(np.zeros((4, 2)), np.array([[0.0], [1.0], [1.0], [0.0]]), "classification")
    a = np.array([[0.4], [0.6], [0.5], [0.7]])
    assert count_right(a, class_targets(two)) == np.count_nonzero(predicted_classes(a) == two.labels) == 2
    three = Dataset(np.zeros((3, 2)), np.eye(3)[[2, 0, 1]], "classification")
    a = np.array([[0.1, 0.2, 0.7], [0.3, 0.6, 0.1], [0.2, 0.5, 0.3]])
    assert count_right(a, class_targets(three)) == np.count_nonzero(predicted_classes(a) == three.labels) == 2
    assert class_targets(Dataset(np.zeros((2, 1)), np.zeros((2, 1)), "regression")) is None
