"""``python -m service.report``: the batch report's command (it lives in ``service.batch.report``)."""
import sys

from service.batch.report import main

if __name__ == "__main__":
    sys.exit(main())
