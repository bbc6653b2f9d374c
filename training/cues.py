"""Old import path, kept for one release: the module moved to ``service.core.cues``."""
import sys

from service.core import cues as _moved

sys.modules[__name__] = _moved
