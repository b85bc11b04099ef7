-- The headline figures of the overview as they stood on $as_of (today, or the same date
-- a year / a week ago for the change). Long rows: metric, code, n, amount, on_date.
-- A record counts from its own date (first milestone, program start, recorded_on,
-- opened_on); an undated program counts from its agreement's first date, and a record
-- with no date at all counts from today (we only know it exists now).
with first_milestones as (
    select agreement_id, min(occurred_on) as first_on from milestones group by agreement_id
),
agreement_dates as (
    select a.agreement_id, a.stage,
           coalesce(least(a.signed_on, a.starts_on, fm.first_on), $today::date) as known_on
    from agreements a left join first_milestones fm on fm.agreement_id = a.agreement_id
),
known_agreements as (
    select ad.* from agreement_dates ad
    where ad.agreement_id in (select agreement_id from f_agreements($f))
),
agreements_by_stage as (
    select 'agreements' as metric, stage as code, count(*) as n, min(known_on) as on_date
    from known_agreements
    where $as_of::date >= $today::date or known_on <= $as_of::date
    group by stage
),
known_programs as (
    select p.*, coalesce(p.starts_on, ad.known_on, $today::date) as known_on
    from f_programs($f) p
    left join agreement_dates ad on ad.agreement_id = p.agreement_id
    where $as_of::date >= $today::date
       or coalesce(p.starts_on, ad.known_on, $today::date) <= $as_of::date
),
programs_by_status as (
    select 'programs' as metric, status as code, count(*) as n
    from known_programs group by status
),
programs_this_year as (
    select 'programs_year' as metric, status as code, count(*) as n
    from known_programs where year(starts_on) = year($as_of::date) group by status
),
known_delegations as (
    select d.* from f_delegations($f) d
    where d.program_id in (select program_id from known_programs)
      and (d.is_outbound or d.is_inbound)
),
seats as (
    select 'seats' as metric, case when is_outbound then 'outbound' else 'inbound' end as code,
           coalesce(sum(seats_planned), 0) as n
    from known_delegations group by all
),
people_rows as (
    select x.status, case when x.is_outbound then 'outbound' else 'inbound' end as code
    from f_participants($f) x
    where x.delegation_id in (select delegation_id from known_delegations)
      and x.status <> 'withdrawn'
),
-- people recorded (every status but withdrawn), and of them those who attended
people as (
    select 'people' as metric, code, count(*) as n from people_rows group by code
    union all
    select 'attended' as metric, code, count(*) as n
    from people_rows where status = 'attended' group by code
),
known_funding as (
    select fu.* from f_funding($f, $currency) fu
    join known_programs kp on kp.program_id = fu.program_id
    where $as_of::date >= $today::date or coalesce(fu.recorded_on, kp.known_on) <= $as_of::date
),
funding_by_source as (
    select 'funding' as metric, source as code, count(*) as n,
           sum(amount_display) as amount,
           count(*) filter (where is_unconverted) as n_unconverted,
           count(*) filter (where amount is null) as n_no_amount
    from known_funding group by source
),
open_actions as (
    select * from f_actions($f) ac
    where ac.opened_on <= $as_of::date
      and (ac.status = 'open' or ac.closed_on > $as_of::date)
),
actions as (
    select 'actions' as metric, 'open' as code, count(*) as n,
           min(opened_on) as on_date
    from open_actions
    union all
    select 'actions', 'overdue', count(*), min(due_on)
    from open_actions where due_on < $as_of::date
),
-- partners with an agreement or a program known by then
partners_known as (
    select 'partners' as metric, null as code, count(distinct partner_id) as n
    from (
        select a.partner_id from agreements a
        where a.agreement_id in (
            select agreement_id from known_agreements
            where $as_of::date >= $today::date or known_on <= $as_of::date)
        union all
        select partner_id from known_programs
    )
),
final as (
    select metric, code, n::bigint as n, null::double as amount, null::bigint as n_unconverted,
           null::bigint as n_no_amount, on_date::date as on_date
    from agreements_by_stage
    union all select metric, code, n, null, null, null, null from partners_known
    union all select metric, code, n, null, null, null, null from programs_by_status
    union all select metric, code, n, null, null, null, null from programs_this_year
    union all select metric, code, n, null, null, null, null from seats
    union all select metric, code, n, null, null, null, null from people
    union all select metric, code, n, amount, n_unconverted, n_no_amount, null
              from funding_by_source
    union all select metric, code, n, null, null, null, on_date from actions
)
select * from final order by metric, code
