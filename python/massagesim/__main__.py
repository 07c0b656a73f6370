"""``python -m massagesim`` runs the command-line interface (see :mod:`massagesim.cli`)."""

import sys

from .cli import main

sys.exit(main())
