"""Old import path, kept while model artifacts pickled under it are served (see
``service.core.calibrated``, where the module lives now)."""
import sys

from service.core import calibrated as _moved

sys.modules[__name__] = _moved
