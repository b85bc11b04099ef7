-- The source mix: lines and converted amount per funding source (macro funding_mix,
-- which the Funding page's funding_page.sql reads too).
with lines as (
    select * from f_funding($f, $currency)
),
final as (
    select * from funding_mix(lines)
)
select * from final order by n_lines desc, source
