"""`python -m extract` → extract.cli.main."""

import sys

from .cli import main

sys.exit(main())
