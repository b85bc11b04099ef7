-- Admin page: every export that held participants' names, newest first.
select accessed_at, actor, role, table_name, filters, n_rows, format
from access_log
order by accessed_at desc, access_id desc
