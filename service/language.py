"""Old import path, kept for one release: the module moved to ``service.core.language``."""
import sys

from service.core import language as _moved

sys.modules[__name__] = _moved
