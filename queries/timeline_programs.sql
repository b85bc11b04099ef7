-- Programs on the agreements' time axis: dated programs counted per month and kind.
with final as (
    select date_trunc('month', starts_on)::date as month_on, kind, count(*) as n_programs
    from f_programs($f)
    where starts_on is not null
    group by all
)
select * from final order by month_on, kind
