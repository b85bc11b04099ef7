-- Headline: programs by status and by kind (dimension says which).
with counted as (
    select status, kind, count(*) as n, grouping(status) as g_status
    from f_programs($f)
    group by grouping sets ((status), (kind))
),
final as (
    select case when g_status = 0 then 'status' else 'kind' end as dimension,
           coalesce(status, kind) as code,
           n
    from counted
)
select * from final order by dimension, code
