-- Funding per program kind and source: lines and converted amount.
with final as (
    select program_kind, source,
           count(*) as n_lines,
           count(*) filter (where is_unconverted) as n_unconverted,
           sum(amount_display) filter (where is_counted) as amount_display
    from f_funding($f, $currency)
    group by all
)
select * from final order by program_kind, source
