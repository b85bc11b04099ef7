-- Headline: funding lines by source; converted total in the display currency and the
-- lines whose amount could not be converted (never counted as zero); the total is null
-- when no line has a converted amount (unknown, not zero).
select
    source,
    count(*) as n_lines,
    sum(amount_display) as amount,  -- null when no line has a converted amount
    count(*) filter (where is_unconverted) as n_unconverted
from f_funding($f, $currency)
group by source
order by source
