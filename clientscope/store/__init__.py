"""The app store: what Clientscope itself writes (accounts, audit log; later saved views, retention actions,
deliveries). SQLite under the state folder by default, PostgreSQL by URL for several servers. Never the
user's extracts, which stay read-only."""

from clientscope.store.engine import AppStore, open_store, store_url

__all__ = ["AppStore", "open_store", "store_url"]
