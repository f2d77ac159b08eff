"""UI strings of the churn area: {key: {"zh_CN": ..., "en": ...}}."""

MESSAGES: dict[str, dict[str, str]] = {}
