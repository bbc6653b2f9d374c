"""Old import path, kept for one release: the module moved to ``service.core.classifier``."""
import sys

from service.core import classifier as _moved

sys.modules[__name__] = _moved
