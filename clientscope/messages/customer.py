"""UI strings of the customer area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
