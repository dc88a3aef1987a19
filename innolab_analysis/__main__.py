"""``python -m innolab_analysis`` is the ``innolab`` command."""

import sys

from innolab_analysis.cli import main

sys.exit(main())
