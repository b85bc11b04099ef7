-- The saved views a person may open: their own, then those shared by others; by name.
select view_id, owner, name, page, query, is_shared, created_at, updated_at,
       owner = $owner as is_mine
from saved_views
where owner = $owner or is_shared
order by is_mine desc, lower(name), view_id
