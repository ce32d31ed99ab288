"""The report as a reader sees it: rendered by headless Chromium, with no script error, every
figure decoded, and a screenshot that is not blank."""

from __future__ import annotations

import re
import subprocess

import numpy as np



def chromium_flags(user_data) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={user_data}"]


def _render(chromium, html, tmp_path, *extra, timeout=120):
    cmd = [chromium, *chromium_flags(tmp_path / "profile"), "--enable-logging=stderr", "--v=0", *extra,
           html.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def check_in_browser(chromium, html, tmp_path, figures: int):
    """Screenshot and DOM of the page in headless Chromium; returns the screenshot's path."""
    shot = tmp_path / "screenshot.png"
    p = _render(chromium, html, tmp_path, f"--screenshot={shot}", "--window-size=1280,2400")
    assert p.returncode == 0, p.stderr[-2000:]
    console_errors = [ln for ln in p.stderr.splitlines() if "Uncaught" in ln or ("CONSOLE" in ln and "ERROR" in ln)]
    assert not console_errors, console_errors
    assert shot.is_file()
    # not blank: a page of figures and tables has many distinct pixels, not one background colour
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[0] >= 2000 and img.shape[1] >= 1200
    grey = img[..., :3].mean(axis=2)
    assert grey.std() > 0.05
    assert len(np.unique((img[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)) > 500
    # the page's own check: how many figures the browser decoded
    dom = _render(chromium, html, tmp_path, "--dump-dom", "--virtual-time-budget=5000")
    assert dom.returncode == 0, dom.stderr[-2000:]
    m = re.search(r'data-figures="(\d+)" data-figures-loaded="(\d+)"', dom.stdout)
    assert m, "the page's load script did not run"
    assert int(m.group(1)) == figures and int(m.group(2)) == figures
    assert not [ln for ln in dom.stderr.splitlines() if "Uncaught" in ln]
    return shot


def test_the_forecast_report_renders_in_chromium(chromium, simulated_report, tmp_path):
    """The report of a real comparison (foedus.simulate output), as a browser shows it."""
    rep = simulated_report
    shot = check_in_browser(chromium, rep.html, tmp_path, figures=len(rep.figures))
    assert shot.stat().st_size > 50_000


def test_the_blank_check_catches_a_blank_page(chromium, tmp_path):
    """The screenshot check must be able to fail: an empty page is caught."""
    import pytest

    page = tmp_path / "blank.html"
    page.write_text("<!DOCTYPE html><html><body></body></html>")
    with pytest.raises(AssertionError):
        check_in_browser(chromium, page, tmp_path, figures=0)
