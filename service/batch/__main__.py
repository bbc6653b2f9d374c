import sys

from service.batch.run import main

sys.exit(main())
