"""Old import path, kept for one release: the module moved to ``service.core.segment``."""
import sys

from service.core import segment as _moved

sys.modules[__name__] = _moved
