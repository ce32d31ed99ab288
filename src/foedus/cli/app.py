"""The ``foedus`` command: one Typer app; each command family lives in its own module."""

from __future__ import annotations

import json
import shlex
import sys
from typing import Any

import typer
from rich.console import Console

app = typer.Typer(
    name="foedus",
    help="An engine for collective-security alliances: treaty rules, the record, forecasts.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion: bash, zsh, fish, PowerShell
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

console = Console()
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from foedus import __version__

        console.print(f"foedus {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """An engine for collective-security alliances: treaty rules, the record, forecasts."""


def emit_json(obj: Any) -> None:
    """Machine output: plain JSON on stdout, nothing else."""
    sys.stdout.write(json.dumps(obj, indent=2, default=str) + "\n")


PARAM_DRAWS_HELP = ("parameter vectors drawn from the calibration's posterior, the runs split across them "
                    "(0 or 1: the fitted values only; default 20, or --runs if fewer); probabilities then carry their "
                    "interval across the draws")
CODING_HELP = ("a named coding of contested facts: the record read that way and its calibration "
               "(uzb-2012-withdrawal, fra-grc-stepped-out; docs/calibration.md)")
PRIOR_DRAWS_HELP = "also draw the unfitted parameters (judgements) from their priors (docs/calibration.md)"
PARAMETERS_HELP = ("a calibration file written by foedus calibrate (e.g. src/foedus/model/calibrated-pooled.toml) in the "
                   "place of the shipped fit: its values, its posterior for --param-draws, and its states' effects on "
                   "the hazards of leaving if it has them")
STATE_EFFECTS_HELP = ("with --parameters: read the file's states' effects on the hazards of leaving "
                      "(\\[pooling.state_effects], drawn with --param-draws) or leave every state at the population's level")
ASSUME_HELP = ("start after the end of the record, assuming that nothing happened in between (no event, no "
               "timeline change): without it a later date is refused")


def parameter_file(path, state_effects: bool = True, draws: int = 1):
    """A calibration file given with ``--parameters``, checked before anything runs: its values and
    its states' effects (``posterior.state_effects``; None without the table or with ``state_effects``
    false); ``(None, None)`` for no file: the shipped fit. The commands that simulate pass the file
    itself as ``calibration=`` (its values the fit, its posterior drawn with ``draws`` > 1:
    ``posterior.calibrated``, which refuses a file without ``[posterior]`` then)."""
    if path is None:
        return None, None
    from foedus.model.posterior import calibrated
    from foedus.model.posterior import state_effects as effects_of

    effects = effects_of(path) if state_effects else None
    return calibrated(path, draws)[1], effects


def print_note(text: str) -> None:
    """A note on stderr, one line: what the user should know about the results (an assumption made)."""
    err_console.print(f"foedus: note: {text}", markup=False, highlight=False, soft_wrap=True)


# the arguments of the command being run, as `foedus.cli.main` received them
ARGV: list[str] = []


def command_line() -> str:
    """The command being run, as typed: what a results folder and the registry record as the command
    that reproduces them."""
    return "foedus " + shlex.join(ARGV)
