"""Old import path, kept for one release: the module moved to ``service.core.lexicon``."""
import sys

from service.core import lexicon as _moved

sys.modules[__name__] = _moved
