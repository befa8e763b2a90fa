"""`python -m micro.cli`: the `micro` command."""

import sys

from . import main

sys.exit(main())
