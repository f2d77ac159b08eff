"""The Berka source's fixed facts: its files, its snapshot date, and the Czech codes the import relies on."""

from __future__ import annotations

from datetime import date

FILES = ("client.asc", "account.asc", "disp.asc", "trans.asc", "loan.asc", "card.asc", "district.asc")
# The data set's snapshot: loan and card statuses are as of the end of 1998 (see the PDF description).
SNAPSHOT = date(1998, 12, 31)
INACTIVE_MONTHS = 6
# Bank-initiated postings are not customer transactions: interest, fees and penalty interest.
BANK_POSTINGS = ("UROK", "SLUZBY", "SANKC. UROK")
CARD_OPERATION = "VYBER KARTOU"
CREDIT_TYPE = "PRIJEM"
TRANS_TYPES = ("PRIJEM", "VYDAJ", "VYBER")
CARD_TYPES = ("classic", "junior", "gold")
FINISHED_LOAN = ("A", "B")
