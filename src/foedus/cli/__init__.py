"""Command-line interface. ``main`` maps foedus errors to exit codes and one clear line."""

from __future__ import annotations

import os
import sys

import typer

from foedus.cli.app import ARGV, app, err_console
from foedus.errors import ArgumentError, FoedusError

# Each module registers its commands on ``app`` when imported.
from foedus.cli import record  # noqa: E402,F401
from foedus.cli import catalogue  # noqa: E402,F401
from foedus.cli import report  # noqa: E402,F401
from foedus.cli import runs  # noqa: E402,F401
from foedus.cli import compare  # noqa: E402,F401
from foedus.cli import demo  # noqa: E402,F401
from foedus.cli import simulate  # noqa: E402,F401
from foedus.cli import calibrate  # noqa: E402,F401
from foedus.cli import retrodict  # noqa: E402,F401
from foedus.cli import show  # noqa: E402,F401
from foedus.cli import serve  # noqa: E402,F401
from foedus.cli import forecast  # noqa: E402,F401


def _click_exceptions():
    """The exception module of the click that typer runs on: typer >= 0.20 vendors its own copy
    (``typer._click``), older typers use ``click`` itself; ``typer.BadParameter`` lives in it."""
    return sys.modules[typer.BadParameter.__module__]


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


# where a command's flag is not the Python argument's name with dashes
FLAGS = {"simulate": {"start": "--from", "scenario": "SCENARIO"}, "sensitivity": {"start": "--from"},
         "retrodict": {"start": "--from", "end": "--to", "scenario": "SCENARIO"},
         "replay": {"scenario": "SCENARIO"}, "obligations": {"scenario": "SCENARIO"}}


def flag(command: str | None, name: str) -> str:
    """The command-line name of the Python argument ``name`` in ``command``."""
    if not name.isidentifier() or name != name.lower():
        return name  # already as the command line spells it (ID, SCENARIO, -o, "--lever date")
    return FLAGS.get(command or "", {}).get(name, "--" + name.replace("_", "-"))


def _command(argv: list[str] | None) -> str | None:
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    return words[1] if words[:1] in (["catalogue"], ["runs"]) and len(words) > 1 else (words[0] if words else None)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI. Exit codes: 0 success, 1 failure, 2 bad input (a usage error, a bad scenario
    file, a rule violation); an error is one line on stderr, never a traceback. A command returns
    None; to exit with another code it raises ``typer.Exit(code)``."""
    exc_mod = _click_exceptions()
    ARGV[:] = sys.argv[1:] if argv is None else list(argv)
    try:
        rc = app(args=argv, standalone_mode=False)
    except ArgumentError as exc:
        err_console.print(f"foedus: error: {_one_line(exc.message(flag(_command(argv), exc.name), cli=True))}", markup=False,
                          highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except FoedusError as exc:
        err_console.print(f"foedus: error: {_one_line(exc)}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except getattr(exc_mod, "NoArgsIsHelpError", ()):
        # `foedus` alone (or a command group alone): show the help, as --help would.
        # The help is already on stdout: building this exception renders it (typer's rich help
        # prints as it formats), so printing its message again would show it twice.
        sys.exit(0)
    except exc_mod.UsageError as exc:
        where = exc.ctx.command_path if getattr(exc, "ctx", None) is not None else "foedus"
        err_console.print(f"foedus: error: {_one_line(exc.format_message())} (see '{where} --help')",
                          markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except exc_mod.ClickException as exc:
        err_console.print(f"foedus: error: {_one_line(exc.format_message())}", markup=False,
                          highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("foedus: interrupted", markup=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        # `foedus replay csto | head`: the reader went away; not an error of ours.
        sys.stderr = open(os.devnull, "w")
        sys.exit(0)
    except OSError as exc:
        # what no command foresaw (a disk filling up mid-run): still one line, naming the path
        from foedus.output import output_error

        err_console.print(f"foedus: error: {_one_line(output_error(exc))}", markup=False, highlight=False,
                          soft_wrap=True)
        sys.exit(2)
    # Without standalone mode, click returns the code of a `typer.Exit` raised in a command.
    if isinstance(rc, int) and not isinstance(rc, bool) and rc:
        sys.exit(rc)
    return 0


if __name__ == "__main__":
    main()
