"""``python -m llmecon``: the command line."""

import sys

from llmecon.cli.app import main

sys.exit(main())
