"""Old import path, kept while model artifacts pickled under it are served (see
``service.core.features``, where the module lives now)."""
import sys

from service.core import features as _moved

sys.modules[__name__] = _moved
