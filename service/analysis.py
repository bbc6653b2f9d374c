"""Old import path, kept for one release: the module moved to ``service.core.analysis``."""
import sys

from service.core import analysis as _moved

sys.modules[__name__] = _moved
