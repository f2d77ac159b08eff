"""Web hardening: the checks in front of Dash's callback endpoint and the security headers of every response.

`install_hardening(app)` is the one call `create_app` makes; see docs/security.md for what each part defends.
"""

from __future__ import annotations

import dash

from clientscope.web.callback_guard import install_callback_guard
from clientscope.web.headers import install_security_headers


def install_hardening(app: dash.Dash) -> None:
    """Guard `/_dash-update-component` (CSRF, shape, value types) and add security headers to every response."""
    install_callback_guard(app)
    install_security_headers(app)
