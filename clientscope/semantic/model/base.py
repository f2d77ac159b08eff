"""The base of every model class and the per-locale text types they share.

`extra="forbid"` makes a misspelt key a schema problem (reported with its line and a did-you-mean hint by
`validate.py`), and `frozen=True` means the model loaded at start-up can be shared by every request without anyone
changing it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Labels = dict[str, str]  # locale → text
Synonyms = dict[str, tuple[str, ...]]  # locale → other words for the same thing (the ask box, docs/ask.md)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
