"""UI strings of the segments area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
