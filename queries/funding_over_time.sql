-- Funding per year (of recorded_on, else the program's start; undated lines have year
-- null) and source: lines and converted amount.
with final as (
    select year(rate_on) as year, source,
           count(*) as n_lines,
           count(*) filter (where is_unconverted) as n_unconverted,
           sum(amount_display) filter (where is_counted) as amount_display
    from f_funding($f, $currency)
    group by all
)
select * from final order by year nulls last, source
