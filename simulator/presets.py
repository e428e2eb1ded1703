"""Ready-made lessons, read from the files in ``resources/lessons/`` (see lessons.py).

Each lesson is one idea of an introductory course, set up so that pressing
Play shows it. ``make_preset(name)`` returns a fresh Project every time;
``PRESET_NAMES`` lists the lessons in the Lessons menu's order and
``PRESETS`` maps each name to a function returning a summary of it
(``{"title": ...}``), read from its file when called.
"""

from .lessons import lesson_names, load_lesson

PRESET_NAMES = lesson_names()
DEFAULT_PRESET = "mlp-xor"


def _summary(name):
    def summary():
        project = load_lesson(name)
        return {"title": project.title, "description": project.description,
                "steps": project.lesson.get("steps")}
    return summary


PRESETS = {name: _summary(name) for name in PRESET_NAMES}


def make_preset(name, seed=0):
    """A new Project for the lesson called ``name``.

    ``seed`` 0 gives the weights stored in the lesson's file; another seed
    draws fresh ones from it (as Reset Weights does).

    Raises
    ------
    SimulatorError
        If there is no such lesson, or its files are broken.
    """
    return load_lesson(name, seed=seed)
