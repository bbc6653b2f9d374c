"""Old import path, kept for one release: the module moved to ``service.core.deadline``."""
import sys

from service.core import deadline as _moved

sys.modules[__name__] = _moved
