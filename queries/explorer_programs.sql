-- Explorer, programs tab: filtered programs with partner name, agreement and its stage,
-- seats planned and people counts (delegations and participants under the filters).
-- $q searches the text columns; $mode is the tab's own filter.
-- Confirmed is `is_confirmed` (confirmed or attended).
with seats as (
    select d.program_id, count(*) as n_delegations, sum(d.seats_planned) as seats_planned,
           sum(x.n_participants) as n_participants, sum(x.n_confirmed) as n_confirmed,
           sum(x.n_attended) as n_attended
    from f_delegations($f) d
    left join delegation_people($f) x on x.delegation_id = d.delegation_id
    group by d.program_id
),
final as (
    select
        p.program_id,
        p.title,
        pa.name as partner_name,
        code_label($label_keys, $label_values, 'program_kind', p.kind) as kind_label,
        p.kind,
        code_label($label_keys, $label_values, 'program_status', p.status) as status_label,
        p.status,
        code_label($label_keys, $label_values, 'mode', p.mode) as mode_label,
        p.mode,
        p.host_country,
        p.host_city,
        p.starts_on,
        p.ends_on,
        p.agreement_id,
        code_label($label_keys, $label_values, 'stage', ag.stage) as agreement_stage_label,
        ag.stage as agreement_stage,
        coalesce(s.n_delegations, 0) as n_delegations,
        s.seats_planned,
        coalesce(s.n_participants, 0)::bigint as n_participants,
        coalesce(s.n_confirmed, 0)::bigint as n_confirmed,
        coalesce(s.n_attended, 0)::bigint as n_attended
    from f_programs($f) p
    join partners pa on pa.partner_id = p.partner_id
    left join agreements ag on ag.agreement_id = p.agreement_id
    left join seats s on s.program_id = p.program_id
    where in_list($mode, p.mode)
      and ($q = ''
           or matches(p.program_id, $q)
           or matches(p.title, $q)
           or matches(pa.name, $q)
           or matches(p.host_city, $q)
           or matches(ag.title, $q))
)
select * from final
