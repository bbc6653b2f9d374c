"""Old import path, kept for one release: the module moved to ``service.storage.feedback``."""
import sys

from service.storage import feedback as _moved

sys.modules[__name__] = _moved
