-- The exchange rates the converted amounts used (rate to IDR per currency and date),
-- with their source and how many lines each converted; and the display currency's own.
with used as (
    select currency, rate_valid_from as valid_from, rate_idr_per_unit as idr_per_unit,
           rate_source as source, count(*) as n_lines
    from f_funding($f, $currency)
    where amount is not null and currency <> 'IDR' and rate_valid_from is not null
    group by all
),
display as (
    select r.currency, r.valid_from, r.idr_per_unit, r.source, 0::bigint as n_lines
    from fx_rates r
    where r.currency = upper($currency) and upper($currency) <> 'IDR'
      and r.valid_from = (select max(valid_from) from fx_rates
                          where currency = upper($currency) and valid_from <= $today::date)
),
final as (
    select * from used
    union all
    select * from display where (currency, valid_from) not in (select currency, valid_from from used)
)
select * from final order by currency, valid_from
