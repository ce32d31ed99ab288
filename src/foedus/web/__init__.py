"""``foedus serve``: the browser view of the record, who is bound, and forecasts with what-if
levers, served locally and offline (docs/web.md)."""
