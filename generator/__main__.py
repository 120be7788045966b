"""python -m generator: the same as the jiaozao command."""

import sys

from generator.cli import main

sys.exit(main())
