"""Clientscope: `python app.py` serves the dashboard (demo data unless a data folder is configured).

Under gunicorn: `gunicorn app:server` (set CLIENTSCOPE_DATA to choose the data folder).
"""

from clientscope.startup import prepare, without_notebook_support

without_notebook_support()
from clientscope.shell import create_app  # noqa: E402 (after the line above: Dash must not import IPython)

app = create_app(prepare())
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050, debug=False)
