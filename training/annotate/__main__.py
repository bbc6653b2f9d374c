import sys

from training.annotate.cli import main

sys.exit(main())
