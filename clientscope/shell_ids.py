"""Ids of the shell's components (declared once)."""

from enum import StrEnum


class ShellIds(StrEnum):
    URL = "url"
    NAVBAR = "navbar"
    DATA_ERROR = "data-error"
    PAGE = "page"
    ERROR_TOAST = "error-toast"
    THEME_SINK = "theme-sink"
