-- What a new follow-up can be linked to: the filtered agreements and programs, at most
-- $limit of each (a selectbox of 50,000 programs helps nobody): agreements by title,
-- programs starting nearest to $today first. n_of_kind says how many there are in all
-- (the sidebar filters narrow the choice).
with opts as (
    select
        'agreement' as kind,
        agreement_id as record_id,
        title,
        row_number() over (order by title, agreement_id) as pick
    from f_agreements($f)
    union all
    select
        'program',
        program_id,
        title,
        row_number() over (
            order by abs(datediff('day', starts_on, $today::date)) nulls last, title, program_id
        )
    from f_programs($f)
),

final as (
    select kind, record_id, title, count(*) over (partition by kind) as n_of_kind
    from opts
    qualify pick <= $limit
)

select * from final
order by kind, title, record_id
