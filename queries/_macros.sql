-- Shared filter macros. Every page query reads the filtered world through these, so one
-- filter means the same thing everywhere. `f` is the struct built by
-- coopdash.filters.Filters.params(): lists (empty = all), two dates, the home country.

create or replace temp macro in_list(lst, v) as
    (len(lst) = 0 or list_contains(lst::varchar[], v));

-- A person's province for the region filter: the first two characters of region_code,
-- or 'none' when no region is recorded (the filter's "no province recorded" choice).
create or replace temp macro province_or_none(region_code) as
    coalesce(left(region_code, 2), 'none');

-- Programs that pass the program-level filters. The period is on starts_on (an undated
-- program drops out once a period is chosen); funding source and home region keep the
-- programs that have such a funding line / such a participant. Both offer the choice
-- 'none' (coopdash.figures.filters.NONE: nothing recorded): programs with no funding
-- line (so every source and 'none' is the same as choosing nothing); people with no
-- province (every province and 'none' keeps every person; a program with no participant
-- at all still drops out once a province is chosen: the filter's help says so).
-- Each subquery repeats its filter's "is it chosen" test inside, so that with the filter
-- empty DuckDB plans it as an empty result instead of scanning funding, delegations and
-- participants for every page's query.
create or replace temp macro f_programs(f) as table
select p.*
from programs p
join partners pa on pa.partner_id = p.partner_id
where in_list(f['partners'], p.partner_id)
  and in_list(f['countries'], pa.country)
  and in_list(f['kinds'], p.kind)
  and in_list(f['statuses'], p.status)
  and (f['date_from'] is null or p.starts_on >= f['date_from']::date)
  and (f['date_to'] is null or p.starts_on <= f['date_to']::date)
  and (len(f['sources']) = 0
       or p.program_id in (select program_id from funding
                           where len(f['sources']) > 0
                             and list_contains(f['sources']::varchar[], source))
       or p.program_id in (select pr.program_id from programs pr
                           where list_contains(f['sources']::varchar[], 'none')
                             and pr.program_id not in (select program_id from funding)))
  and in_list(f['origins'], coalesce(p.origin, 'none'))
  and (len(f['recipients']) = 0
       or p.program_id in (select program_id from recipients
                           where len(f['recipients']) > 0
                             and list_contains(f['recipients']::varchar[], country)))
  and (len(f['regions']) = 0
       or p.program_id in (
            select d.program_id
            from delegations d
            where len(f['regions']) > 0 and d.delegation_id in (
                select x.delegation_id from participants x
                where list_contains(f['regions']::varchar[], province_or_none(x.region_code)))));

-- Delegations of the filtered programs, with direction as the contract defines it:
-- outbound = our side, held in person abroad; inbound = partner side, in person at home.
create or replace temp macro f_delegations(f) as table
select
    d.*,
    p.kind as program_kind,
    p.status as program_status,
    p.partner_id,
    p.starts_on as program_starts_on,
    p.host_country,
    (p.mode in ('in_person', 'hybrid') or (p.mode is null and p.host_country is not null))
        as is_in_person,
    coalesce(d.side = 'home' and is_in_person and p.host_country <> f['home'], false)
        as is_outbound,
    coalesce(d.side = 'partner' and is_in_person and p.host_country = f['home'], false)
        as is_inbound
from delegations d
join f_programs(f) p on p.program_id = d.program_id
where in_list(f['sides'], d.side);

-- Participants of the filtered delegations; the region filter applies to each person.
create or replace temp macro f_participants(f) as table
select x.*, left(x.region_code, 2) as province_code, d.side, d.program_id,
       d.program_kind, d.partner_id, d.is_outbound, d.is_inbound, d.program_starts_on
from participants x
join f_delegations(f) d on d.delegation_id = x.delegation_id
where in_list(f['regions'], province_or_none(x.region_code));

-- A funding line counts in a total unless the same money is counted by another line.
-- Our own lines always count (one line per amount, its status moving on). A partner's
-- IATI transactions (origin = the publisher) are a commitment and then the disbursements
-- and expenditures against it: the commitment counts while the activity has none of
-- them from that publisher; from the first, the money disbursed or spent counts
-- instead, so a commitment and its disbursements are never counted twice.
-- `has_spent`: the program has a `spent` line from the same publisher.
create or replace temp macro is_counted(origin, status, has_spent) as
    origin is null or status <> 'committed' or not has_spent;

-- Funding lines of the filtered programs, converted to the display currency `cur`
-- with the rate in force on recorded_on (else the program's start). A line with an
-- amount but no usable rate keeps amount_display null: it is unconverted, never zero.
-- `is_counted`: whether the line counts in a total (the macro above); `has_spent` is
-- read among the filtered lines. The rates are looked up once per currency and date
-- (`rated`: a few thousand pairs at 1M participants, not one per line), and the spent
-- lines found by a grouping: at 75,000 lines, an as-of join per line and a window per
-- program took most of each Funding query's time.
create or replace temp macro f_funding(f, cur) as table
with filtered as (
    select fu.*, p.kind as program_kind, p.partner_id, p.starts_on as program_starts_on,
           coalesce(fu.recorded_on, p.starts_on) as rate_on
    from funding fu
    join f_programs(f) p on p.program_id = fu.program_id
    where in_list(f['sources'], fu.source)
),
spent as (
    select distinct program_id, origin from filtered
    where status = 'spent' and origin is not null
),
lines as (
    select l.*, is_counted(l.origin, l.status, s.program_id is not null) as is_counted
    from filtered l
    left join spent s on s.program_id = l.program_id and s.origin = l.origin
),
rated as (
    select k.currency, k.rate_on, r.valid_from as rate_valid_from,
           r.idr_per_unit as rate_idr_per_unit, r.source as rate_source,
           dr.idr_per_unit as display_per_unit
    from (select distinct currency, rate_on from lines) k
    asof left join fx_rates r on r.currency = k.currency and k.rate_on >= r.valid_from
    asof left join fx_rates dr on dr.currency = upper(cur) and k.rate_on >= dr.valid_from
),
to_idr as (
    select l.*,
           case when l.currency = 'IDR' then l.amount::double
                else l.amount::double * k.rate_idr_per_unit::double end as amount_idr,
           k.rate_valid_from, k.rate_idr_per_unit, k.rate_source, k.display_per_unit
    from lines l
    left join rated k on k.currency is not distinct from l.currency
                     and k.rate_on is not distinct from l.rate_on
)
select t.* exclude (display_per_unit),
       case when upper(cur) = 'IDR' then t.amount_idr
            else t.amount_idr / t.display_per_unit::double end as amount_display,
       t.amount is not null and amount_display is null as is_unconverted
from to_idr t;

-- The source mix of a table of funding lines (`lines`: f_funding's rows, named by a CTE):
-- lines and converted amount per funding source; lines with an amount that has no rate
-- are counted apart (unconverted), lines without an amount too. One definition for
-- funding_by_source.sql (Overview, pack) and funding_page.sql (the Funding page).
create or replace temp macro funding_mix(lines) as table
select source,
       count(*) as n_lines,
       count(*) filter (where amount_display is not null) as n_converted,
       count(*) filter (where is_unconverted) as n_unconverted,
       count(*) filter (where amount is null) as n_no_amount,
       sum(amount_display) filter (where is_counted) as amount_display
from query_table(lines)
group by source;

-- Agreements and actions follow the partner filters (they have no kind or period).
create or replace temp macro f_agreements(f) as table
select a.*
from agreements a
join partners pa on pa.partner_id = a.partner_id
where in_list(f['partners'], a.partner_id) and in_list(f['countries'], pa.country);

create or replace temp macro f_actions(f) as table
select ac.*, coalesce(ag.partner_id, pr.partner_id) as partner_id
from actions ac
left join agreements ag on ag.agreement_id = ac.agreement_id
left join programs pr on pr.program_id = ac.program_id
left join partners pa on pa.partner_id = coalesce(ag.partner_id, pr.partner_id)
where (len(f['partners']) = 0 and len(f['countries']) = 0)
   or (in_list(f['partners'], pa.partner_id) and in_list(f['countries'], pa.country)
       and pa.partner_id is not null);

-- A follow-up is open on day `d` when it was opened by then and is still open (status
-- `open`) or was closed after `d`. The one definition of "open follow-ups": the Overview,
-- `summary --json` (with or without --as-of) and the weekly review count with it; a
-- follow-up open on `d` is overdue when it was due before `d`.
create or replace temp macro action_open_on(status, opened_on, closed_on, d) as
    opened_on <= d and (status = 'open' or closed_on > d);

-- The catalogue label of a code (`stage`, `exploration`) from the label lists the
-- explorer binds ($label_keys like 'stage.exploration', $label_values in the language).
create or replace temp macro code_label(keys, vals, codelist, code) as
    map(keys, vals)[codelist || '.' || code];

-- A search: `v` contains the text `q`, ignoring case, every character taken literally
-- (`50%` finds "50%", not "500"; `a_b` finds "a_b", not "axb"): LIKE's wildcards `%` and
-- `_` and the escape character itself are escaped. An empty `q` matches everything.
create or replace temp macro like_pattern(q) as
    '%' || replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_') || '%';
create or replace temp macro matches(v, q) as ilike_escape(v, like_pattern(q), '\');

-- A participant counts among the people recorded unless withdrawn (the Overview's and
-- the Delegations page's "people").
create or replace temp macro is_recorded(status) as status <> 'withdrawn';

-- A participant is confirmed once their place is confirmed, attended or not yet: status
-- `confirmed` or `attended`. The one meaning of "confirmed" on every page, the packs,
-- the deck and the exports, labelled "confirmed (incl. attended)".
create or replace temp macro is_confirmed(status) as status in ('confirmed', 'attended');

-- People per delegation under the filters (a home-province filter counts only that
-- province's people): every participant, the people recorded (`is_recorded`), confirmed
-- (`is_confirmed`), attended, and still nominated. The one count of a delegation's people.
create or replace temp macro delegation_people(f) as table
select delegation_id,
       count(*) as n_participants,
       count(*) filter (where is_recorded(status)) as n_people,
       count(*) filter (where is_confirmed(status)) as n_confirmed,
       count(*) filter (where status = 'attended') as n_attended,
       count(*) filter (where status = 'nominated') as n_nominated
from f_participants(f)
group by delegation_id;

-- A program takes place (or took place) unless it is cancelled or postponed: the one
-- status rule of "took place" (weekly review), "upcoming" and "next 30 days", and
-- "programs this year".
create or replace temp macro takes_place(status) as status not in ('cancelled', 'postponed');

-- The programs of "programs this year" as they stood on day `d`: taking place, started
-- from 1 January of d's year up to `d` (the Overview, `summary`, the weekly review).
create or replace temp macro started_this_year(status, starts_on, d) as
    takes_place(status) and starts_on between date_trunc('year', d::date)::date and d::date;

-- Is any sidebar filter on? (The weekly change list is filtered only then.)
create or replace temp macro f_active(f) as
    len(f['partners']) + len(f['countries']) + len(f['kinds']) + len(f['statuses'])
        + len(f['sources']) + len(f['regions']) + len(f['sides'])
        + len(f['origins']) + len(f['recipients']) > 0
    or f['date_from'] is not null or f['date_to'] is not null;

-- The stored records the sidebar filters keep, as (table_name, record_id), for the tables
-- a filter can place: partners by partner and country; agreements, their milestones and
-- follow-ups by partner; programs, delegations, participants and funding lines by every
-- filter that reaches them. Exchange rates and minutes cannot be placed (no partner, no
-- program), nor can a removed record (it is gone): the change list always shows those.
create or replace temp macro f_placed(f) as table
select 'partners' as table_name, pa.partner_id as record_id
from partners pa
where in_list(f['partners'], pa.partner_id) and in_list(f['countries'], pa.country)
union all
select 'agreements', agreement_id from f_agreements(f)
union all
select 'milestones', m.milestone_id
from milestones m join f_agreements(f) a on a.agreement_id = m.agreement_id
union all
select 'programs', program_id from f_programs(f)
union all
select 'delegations', delegation_id from f_delegations(f)
union all
select 'participants', participant_id from f_participants(f)
union all
select 'funding', fu.funding_id
from funding fu join f_programs(f) p on p.program_id = fu.program_id
where in_list(f['sources'], fu.source)
union all
select 'actions', action_id from f_actions(f);
