-- Each agreement as a bar from its first known date to expiry: it starts at the first of
-- its first milestone, signing or start, and ends at ends_on, or is open-ended to $today.
-- At most $limit agreements: the live ones (not expired or terminated) with the most
-- recent activity first; n_total says how many there are in all.
with ms as (
    select agreement_id, min(occurred_on) as first_on, max(occurred_on) as last_on,
           count(*) as n_milestones
    from milestones group by agreement_id
),
final as (
    select a.agreement_id, a.title, a.stage, a.instrument, a.partner_id,
           pa.name as partner_name, a.signed_on, a.starts_on, a.ends_on,
           ms.first_on as first_milestone_on, ms.last_on as last_milestone_on,
           coalesce(ms.n_milestones, 0) as n_milestones,
           coalesce(least(ms.first_on, a.signed_on, a.starts_on), a.ends_on) as bar_from,
           coalesce(a.ends_on, greatest($today::date, ms.last_on)) as bar_to,
           a.ends_on is null as is_open_ended
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    left join ms on ms.agreement_id = a.agreement_id
),
ranked as (
    select *, count(*) over () as n_total
    from final
    order by stage in ('expired', 'terminated'),
             greatest(last_milestone_on, signed_on, starts_on) desc nulls last, agreement_id
    limit $limit
)
select * from ranked order by bar_from nulls last, agreement_id
