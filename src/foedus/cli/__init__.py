"""Command-line interface. ``main`` maps foedus errors to exit codes and one clear line."""

from __future__ import annotations

import sys

import click

from foedus.cli.app import app, err_console
from foedus.errors import FoedusError

# Each module registers its commands on ``app`` when imported.
from foedus.cli import record  # noqa: E402,F401


def main(argv: list[str] | None = None) -> int:
    try:
        app(args=argv, standalone_mode=False)
    except FoedusError as exc:
        err_console.print(f"foedus: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("foedus: interrupted", markup=False)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("foedus: interrupted", markup=False)
        sys.exit(130)
    return 0


if __name__ == "__main__":
    main()
