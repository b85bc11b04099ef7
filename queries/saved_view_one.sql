select view_id, owner, name, page, query, is_shared
from saved_views
where view_id = $view_id
