-- Agreements that expire within the next $days days (not yet expired or terminated).
with final as (
    select a.agreement_id, a.title, a.stage, pa.name as partner_name, a.ends_on,
           datediff('day', $today::date, a.ends_on) as n_days_left
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    where a.ends_on between $today::date and $today::date + to_days($days::integer)
      and a.stage not in ('expired', 'terminated')
)
select *, count(*) over () as n_total from final order by ends_on, agreement_id limit 100
