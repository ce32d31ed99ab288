"""The browser view's web application (Starlette): the page and its static files, all from this
package, and a small JSON API over :mod:`foedus.web.record` and :mod:`foedus.web.forecast`.

Nothing is fetched from outside: the page's scripts (Vega, Vega-Lite), its map shapes (Natural
Earth through ``world-atlas``) and its styles are files under ``static/`` (``static/vendor/README.md``
names their sources and licences); the page uses the system's fonts."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from foedus.errors import ArgumentError, FoedusError
from foedus.web import record
from foedus.web.forecast import Forecasts, levers

STATIC = Path(__file__).with_name("static")
RECORD_TABLES = ("events", "spells", "standings", "bound")
FORECAST_TABLES = ("forecast", "exits", "horizon", "comparison")


def _int(q, name: str, default: int | None) -> int | None:
    text = q.get(name)
    if text in (None, ""):
        return default
    try:
        return int(text)
    except ValueError:
        raise ArgumentError(name, "a whole number", text) from None


def _need(q, name: str) -> str:
    v = q.get(name)
    if not v:
        raise ArgumentError(name, "a value", "nothing")
    return v


def _aggressors(q) -> list[str]:
    """The aggressors named: the ``aggressor`` argument repeated, or its values separated by commas."""
    return [x.strip() for v in q.getlist("aggressor") for x in v.split(",") if x.strip()]


def _bound_args(q) -> dict:
    return {"date": _need(q, "date"), "victim": _need(q, "victim"), "aggressors": _aggressors(q),
            "crisis": q.get("crisis") or "armed_attack", "territory": q.get("territory") or "own",
            "place": q.get("place") or None, "requested": q.get("requested", "1") not in ("0", "false", "no")}


def record_table(name: str, q) -> pd.DataFrame:
    alliance = _need(q, "alliance")
    if name == "events":
        events = pd.DataFrame(record.record(alliance)["events"])
        if len(events):
            events["actors"] = events["actors"].map(" ".join)  # one cell per event, as in the page
        return events
    if name == "spells":
        return pd.DataFrame(record.record(alliance)["spells"])
    if name == "standings":
        st = record.standings_on(alliance, _need(q, "date"))
        return pd.DataFrame(st["states"]).assign(date=st["date"])
    ob = record.bound(alliance, **_bound_args(q))
    return pd.DataFrame(ob["duties"]).assign(date=ob["date"], victim=ob["victim"], aggressors=" ".join(ob["aggressors"]),
                                              place=ob["place"], casus_foederis=ob["casus_foederis"])


def _download(df: pd.DataFrame, stem: str, fmt: str) -> Response:
    if fmt == "csv":
        body, media = df.to_csv(index=False).encode(), "text/csv; charset=utf-8"
    else:
        buf = io.BytesIO()
        df.to_parquet(buf, index=False)
        body, media = buf.getvalue(), "application/vnd.apache.parquet"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"'})


def create_app(workdir: str | Path | None = None) -> Starlette:
    """The application; simulations are written under ``workdir`` (default: a temporary folder,
    removed when the process ends)."""
    keep = None
    if workdir is None:
        keep = tempfile.TemporaryDirectory(prefix="foedus-serve-")
        workdir = keep.name
    forecasts = Forecasts(Path(workdir))

    def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    def alliances(request: Request) -> Response:
        return JSONResponse(record.alliances(request.query_params.get("q", "")))

    def record_view(request: Request) -> Response:
        return JSONResponse(record.record(_need(request.query_params, "alliance")))

    def standings(request: Request) -> Response:
        q = request.query_params
        return JSONResponse(record.standings_on(_need(q, "alliance"), _need(q, "date")))

    def bound(request: Request) -> Response:
        q = request.query_params
        return JSONResponse(record.bound(_need(q, "alliance"), **_bound_args(q)))

    def lever_view(request: Request) -> Response:
        return JSONResponse(levers(_need(request.query_params, "alliance")))

    async def start_forecast(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            raise ArgumentError("request body", "a JSON object", "something else") from None
        job = forecasts.start(alliance=str(body.get("alliance", "")), variant=str(body.get("variant") or ""),
                              lever_specs=tuple(str(x) for x in body.get("levers") or ()),
                              runs=_int(body, "runs", 2000), months=_int(body, "months", 120),
                              seed=_int(body, "seed", 1),
                              draws=_int(body, "draws", None))
        return JSONResponse(job.status(), status_code=202)

    def forecast_status(request: Request) -> Response:
        job = forecasts.jobs.get(request.path_params["job"])
        if job is None:
            return JSONResponse({"error": "no such forecast (the server was restarted?): run it again"}, 404)
        return JSONResponse(job.status())

    def download(request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        if fmt not in ("csv", "parquet"):
            raise ArgumentError("format", "csv or parquet", fmt)
        q = request.query_params
        if name in RECORD_TABLES:
            return _download(record_table(name, q), f"{q.get('alliance')}-{name}", fmt)
        if name in FORECAST_TABLES:
            job = forecasts.jobs.get(_need(q, "job"))
            if job is None or name not in job.tables:
                raise ArgumentError("job", f"a finished forecast with a '{name}' table", q.get("job"))
            return _download(job.tables[name], f"{job.settings['alliance']}-{name}", fmt)
        raise ArgumentError("table", ", ".join(RECORD_TABLES + FORECAST_TABLES), name)

    async def bad_input(request: Request, exc: Exception) -> Response:
        return JSONResponse({"error": " ".join(str(exc).split())}, status_code=400)

    routes = [
        Route("/", index),
        Route("/api/alliances", alliances),
        Route("/api/record", record_view),
        Route("/api/standings", standings),
        Route("/api/bound", bound),
        Route("/api/levers", lever_view),
        Route("/api/forecast", start_forecast, methods=["POST"]),
        Route("/api/forecast/{job}", forecast_status),
        Route("/api/table/{name}.{fmt}", download),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={FoedusError: bad_input})
    app.state.forecasts = forecasts
    app.state.workdir = keep  # the temporary folder lives as long as the application
    return app
