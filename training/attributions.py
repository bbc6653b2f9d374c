"""Old import path, kept for one release: attribution extraction is ``service.core.attribution``."""
import sys

from service.core import attribution as _moved

sys.modules[__name__] = _moved
