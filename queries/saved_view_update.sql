-- Rename and/or (un)share one view; the caller has checked who may.
update saved_views
set name = $name, is_shared = $is_shared, updated_at = $now
where view_id = $view_id
returning view_id
