"""Old import path, kept for one release: the module moved to ``service.core.nlp``."""
import sys

from service.core import nlp as _moved

sys.modules[__name__] = _moved
