-- The owner's view of that name (case-insensitive), if any: names are unique per person.
select view_id
from saved_views
where owner = $owner and lower(trim(name)) = lower(trim($name))
