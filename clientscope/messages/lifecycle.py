"""UI strings of the lifecycle area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
