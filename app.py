"""Clientscope: `python app.py` serves the dashboard (demo data unless a data folder is configured).

Under gunicorn: `gunicorn app:server` (set CLIENTSCOPE_DATA to choose the data folder).
"""

from clientscope.shell import create_app
from clientscope.startup import prepare

app = create_app(prepare())
server = app.server

if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8050, debug=False)
