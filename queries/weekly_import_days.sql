-- The days on which anything was imported or edited (the week picker offers their weeks).
select distinct cast(imported_at as date) as imported_on
from import_log
order by imported_on
