"""Every size limit of Backprop Studio, documented once.

Each limit is far above anything a lesson needs and low enough that a typo,
or a hostile file, cannot exhaust memory or freeze the app. The model, the
file reader and the panels all take their limits from here;
docs/file-format.md lists the ones a project file meets.
"""

# ------------------------------------------------------------------ network
MAX_LAYERS = 32
"""Most layers a network may have, the input and output layers included."""

MAX_LAYER_SIZE = 4096
"""Most neurons a layer may have (also the most columns of inline data)."""

MAX_PARAMETERS = 2_000_000
"""Most numbers a network may store: every slot of its dense weight blocks
(removed edges included, as the maths and the file hold them) plus the biases
of the neurons after the inputs. At this size the network still saves within
``MAX_FILE_BYTES`` even with the longest number texts and a mask per block."""

MAX_WEIGHT = 1e6
"""Largest magnitude of a weight or bias a person types or a file holds as an
edit; training itself is not limited."""

# --------------------------------------------------------------------- data
MAX_SAMPLES = 100_000
"""Most samples a dataset may have: keeps training and plotting interactive."""

MAX_SEED = 2**31 - 1
"""Largest seed (data, split and shuffling): a 32-bit signed integer, so every
seed box in the app can hold any seed a file holds."""

MAX_GRID = 1000
"""Most points per side of an evaluation grid (1000 x 1000 in 2-D)."""

MAX_NOISE = 10.0
"""Largest noise a dataset generator adds."""

MAX_TEST_FRACTION = 0.9
"""Largest share of the data kept aside for testing."""

MAX_CLASSES = 20
"""Most distinct target values a classification target read from CSV may have."""

MAX_CSV_BYTES = 256 * 1024 * 1024
"""Larger CSV files are refused before reading, rather than filling memory."""

MAX_CSV_COLUMNS = MAX_LAYER_SIZE + 1
"""Most columns a CSV file may have: an input layer's most neurons, and the target."""

MAX_CSV_LINE_CHARS = 1_000_000
"""Longest CSV line read; a row of 4,097 numbers of 20 digits each takes under 100,000."""

# ----------------------------------------------------------------- training
MAX_BATCH_SIZE = 100_000
"""Largest batch size setting (0 means the whole training set)."""

MAX_TEST_EVERY = 10**9
"""Largest interval, in steps, between two evaluations of the test set."""

MAX_HISTORY_ROWS = 20_000
"""Rows of training history kept at most (about 1 MB), however long a run is;
at least the newest quarter of them at full resolution, older ones thinned."""

MAX_TRAINING_COUNT = 2**53
"""Largest step, epoch, cursor or optimiser step count a project file's
``training_state`` may hold: the history keeps step numbers as float64, which
counts every whole number exactly up to 2**53."""

MAX_STEPS = 100_000_000
"""Most steps one ``train`` command of the command line runs."""

# -------------------------------------------------------------------- files
MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest project file, checked before it is read and before it is written."""

MAX_NESTING = 64
"""Deepest nesting of lists and objects in a project file, checked before parsing."""

MAX_CONTAINERS = 2_000_000
"""Most lists and objects one project file may hold. The largest valid project
(rows of weights and masks, rows of inline data, layout entries) holds under
1.5 million; each costs about 80 bytes once parsed, whatever its size in the file."""

MAX_STRINGS = 1_000_000
"""Most strings (keys included) one project file may hold; a valid project
holds a few thousand, and each costs about 60 bytes once parsed."""

MAX_LAYOUT_VALUES = 10_000
"""Most values (lists, objects, keys, strings, numbers...) a file's layout may
hold besides its positions (which are one per neuron at most)."""

MAX_LAYOUT_TEXT = 100_000
"""Most characters of text (keys included) a file's layout may hold besides its positions."""

MAX_NAME_CHARS = 200
"""Longest title, dataset name or column name."""

MAX_DESCRIPTION_CHARS = 20_000
"""Longest lesson description."""

MAX_POSITION = 1e6
"""Manual neuron positions (the file's ``layout``) lie within this distance of
the centre in x and y: far beyond any drawing, and small enough that the
canvas's scaling and scrolling stay in range."""

MAX_CHECKPOINTS = 256
"""Recorded network states the step-back slider can return to (see checkpoints.py)."""

CHECKPOINT_BYTES = 64 * 1024 * 1024
"""Memory the recorded states may take together, beside memory.BUDGET_BYTES for training itself;
a big network keeps fewer of them, and one too big for four is not recorded."""

MAX_HELPER_PARAMS = 200_000
"""Networks with more parameters train in the window's own thread, not in the helper
process (training_process.py): their steps are matrix products that leave the
interpreter free while they run, and their snapshots would be big to send."""

MAX_HELPER_DATA_BYTES = 16 * 1024 * 1024
"""Data sets bigger than this (inputs and targets, training and test) train in the
window's own thread: the helper process would need a copy of them."""

MAX_CONTRIBUTION_WIDTH = 100
"""The widest hidden layer the contributions view's width slider offers."""
