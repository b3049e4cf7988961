"""``python -m llmecon.cli``: the same as the ``llmecon`` command."""

from __future__ import annotations

import sys

from llmecon.cli.app import main

sys.exit(main())
