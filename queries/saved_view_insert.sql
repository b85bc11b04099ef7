insert into saved_views (owner, name, page, query, is_shared, created_at, updated_at)
values ($owner, $name, $page, $query, $is_shared, $now, $now)
returning view_id
