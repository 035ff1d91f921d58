"""`python -m roi.cli ...`: the same as the `roi` console script (tests and benchmarks use it)."""

import sys

from roi.cli import main

sys.exit(main())
