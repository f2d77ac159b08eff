"""Security headers on every response, and `Cache-Control: no-store` on everything that carries data.

The Content-Security-Policy allows scripts only from this server plus Dash's own inline scripts, named by
their hashes (`Dash.csp_hashes`: the renderer start-up line and inline clientside callbacks). Styles need
'unsafe-inline': React, plotly and AG Grid set inline styles. Images and fonts may be data: URIs (plotly's
"download as PNG", Bootstrap's icons). The page may not be framed (frame-ancestors 'none' and the older
X-Frame-Options: DENY), which rules out clickjacking.

Static files (assets, Dash's component bundles, the favicon) may be cached; every other response (the page
HTML, the layout, callback answers, which include the Excel exports, and /health) is `no-store` so customer
data never stays in a browser or proxy cache.
"""

from __future__ import annotations

import functools

import dash
from flask import Response, request

# Paths whose responses hold no customer data and may be cached (Dash fingerprints its bundles).
CACHEABLE_PREFIXES = ("assets/", "_dash-component-suites/", "_favicon.ico")

STATIC_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def content_security_policy(script_hashes: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def install_security_headers(app: dash.Dash) -> None:
    cacheable = tuple(app.config.routes_pathname_prefix + prefix for prefix in CACHEABLE_PREFIXES)

    # Computed on the first response, not here: page modules and components register their inline scripts
    # while create_app runs, after this call. Once, because `csp_hashes` moves Dash's global list of inline
    # scripts into the app's (as Dash's own index page does), which concurrent requests must not race on.
    policy = functools.cache(lambda: content_security_policy(list(app.csp_hashes())))

    def add_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = policy()
        for name, value in STATIC_HEADERS.items():
            response.headers[name] = value
        if not request.path.startswith(cacheable):
            response.headers["Cache-Control"] = "no-store"
        return response

    app.server.after_request(add_headers)
