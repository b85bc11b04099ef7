-- Amounts that could not be converted (no rate for their currency and date): counted
-- and summed in their own currency, never as zero.
with final as (
    select currency, count(*) as n_lines, sum(amount)::double as amount,
           count(*) filter (where rate_on is null) as n_undated,
           min(rate_on) as first_on, max(rate_on) as last_on
    from f_funding($f, $currency)
    where is_unconverted
    group by currency
)
select * from final order by n_lines desc, currency
