-- Headline: funding lines by source; converted total in the display currency and the
-- lines whose amount could not be converted (never counted as zero).
select
    source,
    count(*) as n_lines,
    coalesce(sum(amount_display), 0) as amount,
    count(*) filter (where is_unconverted) as n_unconverted
from f_funding($f, $currency)
group by source
order by source
