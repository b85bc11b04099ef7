"""`python -m coopdash`: see coopdash/cli.py."""

import sys

from coopdash.cli import main

sys.exit(main())
