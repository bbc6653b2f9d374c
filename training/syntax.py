"""Old import path, kept for one release: the module moved to ``service.core.syntax``."""
import sys

from service.core import syntax as _moved

sys.modules[__name__] = _moved
