"""`python -m clientscope.bench`: the same as `clientscope bench`."""

import sys

from clientscope.bench.cli import main

sys.exit(main())
