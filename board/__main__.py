"""``python -m board`` runs the ``funnel`` command."""

from board.cli import main

main()
