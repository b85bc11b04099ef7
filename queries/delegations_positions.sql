-- The most frequent positions (as written) by side, at most $limit positions.
-- A position is personal data (one regency's head is one person): no rows unless
-- $show_names.
with counted as (
    select coalesce(position, '') as position, side, count(*) as n_people
    from f_participants($f)
    where is_recorded(status) and $show_names
    group by all
),
top as (
    select position, sum(n_people) as total
    from counted group by position order by total desc, position limit $limit
),
final as (
    select c.position, c.side, c.n_people::bigint as n_people
    from counted c join top t on t.position = c.position
)
select * from final order by position, side
