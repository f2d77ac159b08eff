"""Import the PKDD'99 Financial data set ("Berka", a Czech bank, 1993-1998) into the extract contract.

Decisions (also in docs/real-data.md and in the summary notes):
- one customer per client; ids are the source ids as text; branches are the 77 districts;
- one synthetic relationship manager per branch, every customer assigned to the RM of their branch;
- month-end balances come from the transactions: per account the balance after the month's last
  transaction, carried forward through months without transactions, summed over the client's OWNER accounts;
- an account with no transactions in the last 6 months of the data is taken as closed on the first day of
  the month after its last transaction (Berka records no account closures);
- amounts stay in CZK (not converted).

`trans.asc` is read with polars' lazy CSV scanner and reduced to per-account-month aggregates before
anything is collected, so the full 1,056,320-row file and the short prefix take the same code path.

Modules: `codes` (the source's files, snapshot date and Czech codes), `reading` (the .asc files), `transactions`
(trans.asc to per-account-month aggregates), `months` (account status and customer_months), `dimensions`
(branches, relationship managers, customers, holdings), `importer` (`import_berka`, the notes).
"""

from __future__ import annotations

from clientscope.importers.berka.importer import import_berka

__all__ = ["import_berka"]
