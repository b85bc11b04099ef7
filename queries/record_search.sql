-- What the editor's reference column of a large table offers (a delegation's program:
-- 50,000 programs at 1M participants; a participant's delegation: 95,000 delegations):
-- the records of $target ('programs' or 'delegations') whose id or label holds what the
-- keeper typed ($q; `%`, `_` and `\` taken literally), at most $limit, and the records
-- $ids names (the values of the page's rows, so the grid can label them). Never the whole
-- table. Not narrowed by the sidebar filters: a keeper points wherever it belongs.
with candidates as (
    select 'programs' as target, program_id as record_id, title as label,
           null::varchar as side
    from programs
    where $target = 'programs'
    union all
    select 'delegations', d.delegation_id, p.title, d.side
    from delegations d
    left join programs p on p.program_id = d.program_id
    where $target = 'delegations'
),

found as (
    select *
    from candidates
    where $q <> '' and (matches(record_id, $q) or matches(label, $q))
    order by label, record_id
    limit $limit
),

named as (
    select * from candidates where list_contains($ids::varchar[], record_id)
),

final as (
    select * from found
    union
    select * from named
)

select record_id, label, side from final
order by label, record_id
