"""UI strings of the metrics area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
