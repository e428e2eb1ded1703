"""Start Backprop Studio: ``python main.py [FILE]`` or ``python main.py --screenshot OUT.png [FILE]``."""

import sys


def run():
    try:
        from ui.app import main
    except ImportError as error:  # e.g. PySide6 or pyqtgraph not installed
        print(f"backprop-studio: cannot start: {error} (install with: pip install -e .)", file=sys.stderr)
        return 2
    return main()


if __name__ == "__main__":
    sys.exit(run())
