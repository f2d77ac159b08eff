"""The sign-in page: plain server-rendered HTML (no JavaScript), in Chinese or English."""

from __future__ import annotations

from urllib.parse import quote

from markupsafe import Markup, escape

from clientscope.i18n import t


def login_html(*, lang: str, csrf: str, next_url: str, message: str | None) -> str:
    other = "en" if lang != "en" else "zh_CN"
    alert = Markup('<div class="alert alert-warning" id="login-message">{}</div>').format(message) if message else ""
    html_lang = "en" if lang == "en" else "zh-CN"
    return Markup(
        """<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title><link rel="stylesheet" href="/assets/vendor/bootstrap.min.css"></head>
<body class="bg-light"><main class="container" style="max-width:420px;padding-top:10vh">
<h1 class="h4 mb-3">{title}</h1>{alert}
<form method="post" action="/login" id="login-form">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next_url}">
<input type="hidden" name="lang" value="{lang}">
<div class="mb-3"><label class="form-label" for="username">{user_label}</label>
<input class="form-control" id="username" name="username" autocomplete="username" required autofocus></div>
<div class="mb-3"><label class="form-label" for="password">{password_label}</label>
<input class="form-control" id="password" name="password" type="password" autocomplete="current-password" required>
</div><button class="btn btn-primary w-100" type="submit" id="login-submit">{submit}</button></form>
<p class="mt-3 small"><a href="/login?lang={other}&amp;next={next_quoted}" id="login-language">{switch}</a></p>
</main></body></html>"""
    ).format(
        html_lang=html_lang,
        title=t("access.login.title", lang),
        alert=alert,
        csrf=csrf,
        next_url=next_url,
        lang=lang,
        user_label=t("access.login.username", lang),
        password_label=t("access.login.password", lang),
        submit=t("access.login.submit", lang),
        other=other,
        next_quoted=escape(quote(next_url, safe="")),
        switch=t("access.login.language", lang),
    )
