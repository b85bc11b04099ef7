-- Funding per partner and source for the $limit partners with the most lines.
with lines as (
    select partner_id, source, count(*) as n_lines,
           count(*) filter (where is_unconverted) as n_unconverted,
           sum(amount_display) filter (where is_counted) as amount_display
    from f_funding($f, $currency)
    group by all
),
top as (
    select partner_id, sum(n_lines) as total, sum(amount_display) as total_amount
    from lines group by partner_id
    order by total_amount desc nulls last, total desc, partner_id limit $limit
),
final as (
    select l.partner_id, pa.name as partner_name, l.source, l.n_lines, l.n_unconverted,
           l.amount_display
    from lines l
    join top t on t.partner_id = l.partner_id
    join partners pa on pa.partner_id = l.partner_id
)
select * from final order by partner_name, source
