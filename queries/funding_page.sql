-- The Funding page's figures in one pass: the funding lines of the filtered programs
-- (f_funding) computed once, then each figure's grouping of them, one result with the
-- figure named in `part` (coopdash.figures.funding.part splits it):
--   source       the source mix (macro funding_mix: the Overview and the pack read the
--                same one through funding_by_source.sql)
--   year         per year (of recorded_on, else the program's start; undated lines have
--                year null) and source: lines and converted amount
--   kind         per program kind and source
--   partner      per partner and source, for the $limit partners with the most money
--                (then lines)
--   rates        the exchange rates the converted amounts used (rate to IDR per currency
--                and date), with their source and how many lines each converted; and the
--                display currency's own
--   unconverted  amounts with no rate for their currency and date: counted and summed in
--                their own currency, never as zero
with lines as materialized (
    select * from f_funding($f, $currency)
),
by_source as (
    select * from funding_mix(lines)
),
stacks as (  -- lines, unconverted lines and converted amount per source and year, kind
             -- or partner (`_by` names which)
    select case grouping(year, program_kind, partner_id)
               when 3 then 'year' when 5 then 'kind' else 'partner' end as _by,
           year, program_kind, partner_id, source,
           count(*) as n_lines,
           count(*) filter (where is_unconverted) as n_unconverted,
           sum(amount_display) filter (where is_counted) as amount_display
    from (select *, year(rate_on) as year from lines)
    group by grouping sets ((year, source), (program_kind, source), (partner_id, source))
),
by_year as (
    select year, source, n_lines, n_unconverted, amount_display
    from stacks where _by = 'year'
),
by_kind as (
    select program_kind, source, n_lines, n_unconverted, amount_display
    from stacks where _by = 'kind'
),
partner_lines as (
    select partner_id, source, n_lines, n_unconverted, amount_display
    from stacks where _by = 'partner'
),
top_partners as (
    select partner_id, sum(n_lines) as total, sum(amount_display) as total_amount
    from partner_lines group by partner_id
    order by total_amount desc nulls last, total desc, partner_id limit $limit
),
by_partner as (
    select l.partner_id, pa.name as partner_name, l.source, l.n_lines, l.n_unconverted,
           l.amount_display
    from partner_lines l
    join top_partners t on t.partner_id = l.partner_id
    join partners pa on pa.partner_id = l.partner_id
),
rates_used as (
    select currency, rate_valid_from as valid_from, rate_idr_per_unit as idr_per_unit,
           rate_source as source, count(*) as n_lines
    from lines
    where amount is not null and currency <> 'IDR' and rate_valid_from is not null
    group by all
),
rate_display as (
    select r.currency, r.valid_from, r.idr_per_unit, r.source, 0::bigint as n_lines
    from fx_rates r
    where r.currency = upper($currency) and upper($currency) <> 'IDR'
      and r.valid_from = (select max(valid_from) from fx_rates
                          where currency = upper($currency) and valid_from <= $today::date)
),
rates as (
    select * from rates_used
    union all
    select * from rate_display
    where (currency, valid_from) not in (select currency, valid_from from rates_used)
),
unconverted as (
    select currency, count(*) as n_lines, sum(amount)::double as amount,
           count(*) filter (where rate_on is null) as n_undated,
           min(rate_on) as first_on, max(rate_on) as last_on
    from lines
    where is_unconverted
    group by currency
),
final as (
    select 'source' as part, row_number() over (order by n_lines desc, source) as _at, *
    from by_source
    union all by name
    select 'year' as part, row_number() over (order by year nulls last, source) as _at, *
    from by_year
    union all by name
    select 'kind' as part, row_number() over (order by program_kind, source) as _at, *
    from by_kind
    union all by name
    select 'partner' as part, row_number() over (order by partner_name, source) as _at, *
    from by_partner
    union all by name
    select 'rates' as part, row_number() over (order by currency, valid_from) as _at, *
    from rates
    union all by name
    select 'unconverted' as part, row_number() over (order by n_lines desc, currency) as _at, *
    from unconverted
)
select * from final order by part, _at
