"""Every page renders in headless Chromium under the Content-Security-Policy, with no violation reported."""

from __future__ import annotations

import logging

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser_support import assert_clean

pytestmark = pytest.mark.browser

# What each page shows once it has rendered: charts (plotly draws SVG), grids (AG Grid rows), the profile.
PAGES = {
    "/": "#kpi-value-customers",
    "/segments": "#segments-mix g.point path",
    "/lifecycle": "#page .js-plotly-plot .main-svg",
    "/campaigns": "#page .js-plotly-plot .main-svg",
    "/churn": "#page .js-plotly-plot .main-svg",
    "/metrics": "#catalog-grid .ag-row",
    "/customers/C0000003": "#customer-aum .js-plotly-plot .main-svg",
}
# Installed through DevTools before any page script runs (CSP does not apply to it): it records every
# violation the browser reports, including ones that do not reach the console.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def test_every_page_renders_under_the_csp(dash_duo, dash_app, caplog) -> None:
    caplog.set_level(logging.WARNING)
    dash_duo.start_server(dash_app)
    driver = dash_duo.driver
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIOLATIONS})
    for path, rendered in PAGES.items():
        driver.get(dash_duo.server_url + path)
        dash_duo.wait_for_element(rendered, timeout=60)
        WebDriverWait(driver, 30).until(
            lambda d: not d.execute_script("return document.querySelector('[data-dash-is-loading=\"true\"]') !== null")
        )
        assert driver.execute_script("return window.__cspViolations") == [], path
    csp = driver.execute_script("return fetch('/').then(r => r.headers.get('content-security-policy'))")
    assert "frame-ancestors 'none'" in csp and "script-src 'self' 'sha256-" in csp
    assert_clean(dash_duo)
    # The callback guard refused none of the real browser's requests.
    assert [r.getMessage() for r in caplog.records if r.name == "clientscope.web.callback_guard"] == []
