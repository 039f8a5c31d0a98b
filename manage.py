#!/usr/bin/env python
"""Django's command-line utility for Flowcast."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from pipelines.dev.beside_up import attach

    if note := attach(sys.argv, os.environ):
        print(note, file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
