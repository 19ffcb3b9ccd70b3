"""fundlib: the model, charts and apps behind the US–Japan sovereign wealth fund teaching suite;
every notebook imports it.

Model modules (``finance``, ``bonds``, ``fx``, ``structure``, ...) are pure numpy/pandas and
never import Jupyter; ``charts`` builds Altair specs; ``apps`` wires ipywidgets.
"""

from fundlib._validate import InputError

__all__ = ["InputError", "__version__"]
__version__ = "0.1.0"
