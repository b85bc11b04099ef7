-- The headline figures as they stood on $as_of, and on $before (the same date a year /
-- a week ago, for the change; null: not wanted). The one definition of every headline
-- figure: the Overview reads it (both dates at once) and so does `summary --json
-- [--as-of D]` (coopdash.figures.summary, $as_of = D, $before null). One pass over the
-- filtered rows serves both dates: each row carries the date it became known, and the
-- counts are taken per date (`period`: 'now' / 'before').
-- Long rows: period, metric, code, n, amount, n_unconverted, n_no_amount, on_date.
-- A record counts from its own date (first milestone, program start, recorded_on,
-- opened_on); an undated program counts from its agreement's first date, and a record
-- with no date at all counts from today (we only know it exists now). A date on or after
-- today counts everything that exists.
with dates as (
    select period, as_of, as_of >= $today::date as is_all
    from (values ('now', $as_of::date), ('before', $before::date)) v(period, as_of)
    where as_of is not null
),
first_milestones as (
    select agreement_id, min(occurred_on) as first_on from milestones group by agreement_id
),
agreement_dates as (
    select a.agreement_id, a.partner_id, a.stage,
           coalesce(least(a.signed_on, a.starts_on, fm.first_on), $today::date) as known_on
    from agreements a left join first_milestones fm on fm.agreement_id = a.agreement_id
),
known_agreements as (
    select d.period, ad.*
    from agreement_dates ad
    join dates d on d.is_all or ad.known_on <= d.as_of
    where ad.agreement_id in (select agreement_id from f_agreements($f))
),
agreements_by_stage as (
    select period, 'agreements' as metric, stage as code, count(*) as n, min(known_on) as on_date
    from known_agreements group by period, stage
),
program_dates as (
    select p.program_id, p.partner_id, p.status, p.kind, p.starts_on,
           coalesce(p.starts_on, ad.known_on, $today::date) as known_on
    from f_programs($f) p
    left join agreement_dates ad on ad.agreement_id = p.agreement_id
),
known_programs as (
    select d.period, d.as_of, d.is_all, pd.*
    from program_dates pd join dates d on d.is_all or pd.known_on <= d.as_of
),
programs_by_status as (
    select period, 'programs' as metric, status as code, count(*) as n
    from known_programs group by period, status
),
programs_by_kind as (
    select period, 'programs_kind' as metric, kind as code, count(*) as n
    from known_programs group by period, kind
),
programs_this_year as (  -- the weekly review's "programs this year" too
    select period, 'programs_year' as metric, status as code, count(*) as n
    from known_programs where started_this_year(status, starts_on, as_of)
    group by period, status
),
known_delegations as (
    select kp.period, d.delegation_id, d.seats_planned,
           case when d.is_outbound then 'outbound' when d.is_inbound then 'inbound'
                else 'other' end as code
    from f_delegations($f) d
    join known_programs kp on kp.program_id = d.program_id
),
seats as (
    select period, 'seats' as metric, code, coalesce(sum(seats_planned), 0) as n
    from known_delegations where code <> 'other' group by period, code
),
-- participants counted per delegation and status once, then summed per date over the
-- delegations known by then: by status (every direction), and per direction the people
-- recorded (every status but withdrawn) and of them those who attended
people_by_delegation as (
    select delegation_id, status, count(*) as n
    from f_participants($f)
    group by delegation_id, status
),
people_known as (
    select kd.period, kd.code, pd.status, pd.n
    from people_by_delegation pd join known_delegations kd using (delegation_id)
),
people as (
    select period, 'people' as metric, code, sum(n) as n
    from people_known where code <> 'other' and is_recorded(status) group by period, code
    union all
    select period, 'attended' as metric, code, sum(n) as n
    from people_known where code <> 'other' and status = 'attended' group by period, code
    union all
    select period, 'participants' as metric, status as code, sum(n) as n
    from people_known group by period, status
),
known_funding as (
    select kp.period, fu.program_id, fu.origin, fu.status, fu.source, fu.amount,
           fu.amount_display, fu.is_unconverted
    from f_funding($f, $currency) fu
    join known_programs kp on kp.program_id = fu.program_id
    where kp.is_all or coalesce(fu.recorded_on, kp.known_on) <= kp.as_of
),
spent_then as (  -- the disbursements known by that day (a grouping: no window per program)
    select distinct period, program_id, origin from known_funding
    where status = 'spent' and origin is not null
),
counted_funding as (  -- is_counted as it stood then
    select k.*, is_counted(k.origin, k.status, s.program_id is not null) as is_counted
    from known_funding k
    left join spent_then s on s.period = k.period and s.program_id = k.program_id
                          and s.origin = k.origin
),
funding_by_source as (
    select period, 'funding' as metric, source as code, count(*) as n,
           sum(amount_display) filter (where is_counted) as amount,
           count(*) filter (where is_unconverted) as n_unconverted,
           count(*) filter (where amount is null) as n_no_amount
    from counted_funding group by period, source
),
open_actions as (
    select d.period, d.as_of, ac.opened_on, ac.due_on
    from f_actions($f) ac
    join dates d on action_open_on(ac.status, ac.opened_on, ac.closed_on, d.as_of)
),
actions as (
    select d.period, 'actions' as metric, 'open' as code, count(oa.period) as n,
           min(oa.opened_on) as on_date
    from dates d left join open_actions oa on oa.period = d.period
    group by d.period
    union all
    select d.period, 'actions', 'overdue', count(oa.period), min(oa.due_on)
    from dates d left join open_actions oa on oa.period = d.period and oa.due_on < oa.as_of
    group by d.period
),
-- partners with an agreement or a program known by then
partners_known as (
    select d.period, 'partners' as metric, null as code, count(distinct k.partner_id) as n
    from dates d
    left join (
        select period, partner_id from known_agreements
        union all
        select period, partner_id from known_programs
    ) k on k.period = d.period
    group by d.period
),
final as (
    select period, metric, code, n::bigint as n, null::double as amount,
           null::bigint as n_unconverted, null::bigint as n_no_amount, on_date::date as on_date
    from agreements_by_stage
    union all select period, metric, code, n, null, null, null, null from partners_known
    union all select period, metric, code, n, null, null, null, null from programs_by_status
    union all select period, metric, code, n, null, null, null, null from programs_by_kind
    union all select period, metric, code, n, null, null, null, null from programs_this_year
    union all select period, metric, code, n, null, null, null, null from seats
    union all select period, metric, code, n, null, null, null, null from people
    union all select period, metric, code, n, amount, n_unconverted, n_no_amount, null
              from funding_by_source
    union all select period, metric, code, n, null, null, null, on_date from actions
)
select * from final order by period, metric, code
