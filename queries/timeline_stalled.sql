-- Explorations (exploration, drafting, approval) with no milestone for $days days or
-- more: the last milestone, or none at all.
with ms as (
    select agreement_id, max(occurred_on) as last_on from milestones group by agreement_id
),
final as (
    select a.agreement_id, a.title, a.stage, pa.name as partner_name,
           ms.last_on as last_milestone_on,
           datediff('day', ms.last_on, $today::date) as n_days_quiet
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    left join ms on ms.agreement_id = a.agreement_id
    where a.stage in ('exploration', 'drafting', 'approval')
      and (ms.last_on is null or ms.last_on <= $today::date - to_days($days::integer))
)
select *, count(*) over () as n_total from final order by last_milestone_on nulls first, agreement_id limit 100
