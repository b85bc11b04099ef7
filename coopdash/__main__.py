"""`python -m coopdash`: see coopdash/cli/__init__.py (one module per group of commands)."""

import sys

from coopdash.cli import main

sys.exit(main())
