-- The source mix: lines and converted amount per funding source; lines with an amount
-- that has no rate are counted apart (unconverted), lines without an amount too.
with final as (
    select source,
           count(*) as n_lines,
           count(*) filter (where amount_display is not null) as n_converted,
           count(*) filter (where is_unconverted) as n_unconverted,
           count(*) filter (where amount is null) as n_no_amount,
           sum(amount_display) filter (where is_counted) as amount_display
    from f_funding($f, $currency)
    group by source
)
select * from final order by n_lines desc, source
