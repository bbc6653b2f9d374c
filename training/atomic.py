"""Old import path, kept for one release: the module moved to ``service.storage.atomic``."""
import sys

from service.storage import atomic as _moved

sys.modules[__name__] = _moved
