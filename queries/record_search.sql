-- What a reference column of the Explorer's editor offers, for every table a record can
-- point at (a program's partner: 1,250 partners at 1M participants; its agreement: 1,811;
-- a delegation's program: 50,000 programs; a participant's delegation: 95,000
-- delegations): the records of $target ('partners', 'agreements', 'programs' or
-- 'delegations') whose id or label (name, title; a delegation's program title) holds what
-- the keeper typed ($q; `%`, `_` and `\` taken literally), at most $limit, and the records
-- $ids names (the values of the page's rows, so the grid can label them). Never the whole
-- table. Not narrowed by the sidebar filters: a keeper points wherever it belongs.
with candidates as (
    select 'partners' as target, partner_id as record_id, name as label,
           null::varchar as side
    from partners
    where $target = 'partners'
    union all
    select 'agreements', agreement_id, title, null::varchar
    from agreements
    where $target = 'agreements'
    union all
    select 'programs', program_id, title, null::varchar
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
