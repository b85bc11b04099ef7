delete from saved_views
where view_id = $view_id
returning view_id
