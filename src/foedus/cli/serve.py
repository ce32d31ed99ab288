"""``foedus serve``: the browser view, served on this machine (docs/web.md)."""

from __future__ import annotations

import socket
from pathlib import Path

import typer

from foedus.cli.app import app, console
from foedus.errors import ArgumentError


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before the server starts so that a busy port is one clear line
    and port 0 (any free port) can be printed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise ArgumentError("--host", "a local address such as 127.0.0.1", host) from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        raise ArgumentError("--port", f"a free port on {host} ({exc.strerror})", port) from None
    return sock


@app.command("serve")
def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (the default: this machine only)"),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="port (0: any free port)"),
    workdir: Path = typer.Option(None, "--workdir", help="folder for the simulations' results (default: a temporary folder, removed on exit)"),
    open_browser: bool = typer.Option(False, "--open", help="open the page in the default browser"),
) -> None:
    """Serve the browser view: the record as a timeline and a map, who is bound, forecasts and
    what-ifs with levers as controls. Offline: everything the page uses comes from this package."""
    import uvicorn

    from foedus.web.app import create_app

    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
    sock = _bind(host, port)
    real_port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{real_port}/"
    console.print(f"foedus serve: open {url} (Ctrl-C stops it)", markup=False, highlight=False)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(create_app(workdir), log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
