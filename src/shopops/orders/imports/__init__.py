"""Import the seller center's order report (and item report): the whole file or nothing.

`orders_import(actor=…, shop=…, orders_file=…, items_file=None)` reads the files (see
`orders.importers.taobao` for what they look like) and returns an `ImportReport`:
orders created, updated and left unchanged, and every bad row (file, row number,
column, value, reason). When any row is bad nothing is written at all.

How it works, and why:

- **Pass 1 reads and checks, writing nothing.** Both files are streamed row by row.
  Each order row's known cells are fingerprinted (a 64-bit hash of the cells as read,
  the file's set of columns, the parser version and the shop's time zone) and compared,
  2,000 rows at a time and in one query, with the fingerprint stored on the order by the
  import that last wrote it: a row that has not changed since is not parsed again;
  every other row is parsed and checked (amounts, times, status, lengths; a new order
  needs its creation time). Item rows are fingerprinted too, and an order's item rows
  (which may come in any order) are compared, as a group, with the fingerprint of the
  rows its lines were last imported from; unchanged groups are not parsed. Rows go to a
  scratch SQLite file (in the temp directory, deleted afterwards), so memory stays flat
  whatever the size of the files: what Python holds is one batch. The checks across
  rows run there too: an order number twice in the order report, item rows whose
  order is neither in the order report nor in the database.
- **Pass 2 writes, in one transaction,** batch by batch from the scratch file: one
  query fetches the batch's existing orders; new orders (their buyers as customers,
  their lines) are inserted in bulk; changed orders are compared field by field and
  updated, each with a history row (`OrderStatusChange`, source "import", the changes
  as {field: [old, new]}); an order's lines are rewritten only when its item rows
  changed, matched line by line so that a line with stock reserved keeps its row.
  Unchanged orders are not touched, so importing the same files twice writes nothing
  but the audit entry. A column the file lacks is never written: a partial report
  leaves what it does not say as it was (unknown for a new order).
- Inserts and updates go through Django's connection as plain SQL with `executemany`
  (on PostgreSQL, inserts use COPY on the same connection: `executemany` there is five
  times slower); lookups of thousands of order numbers are plain SQL too (building
  an ORM filter with thousands of values costs more than running it). The same code
  runs on SQLite and PostgreSQL (`core.bulk`, shared with the rollups and the other
  writers in bulk). `bench/import_orders.py` measures it (docs/performance.md).

The modules, in the order a run goes through them:

- `service`: `orders_import`, the service: pass 1, then pass 2 in one transaction,
  and the audit entry;
- `reading`: pass 1, the rows → the scratch file, and the checks of a row and across
  rows (`orders.importers.taobao` reads the files);
- `staging`: the scratch SQLite file, its codec, the fingerprint of an order's items;
- `writer`: pass 2, set-based writing of orders, customers, lines, status history;
- `batches`: `ImportBatch` bookkeeping: an upload saved, queued, run by the job
  (`orders.tasks.import_batch_job`) with its progress.
"""

from shopops.orders.imports.batches import import_batch_create, import_batch_run
from shopops.orders.imports.reading import Progress
from shopops.orders.imports.service import BATCH_SIZE, ERROR_LIMIT, orders_import

__all__ = [
    "BATCH_SIZE",
    "ERROR_LIMIT",
    "Progress",
    "import_batch_create",
    "import_batch_run",
    "orders_import",
]
