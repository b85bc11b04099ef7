-- Explorer, programs tab: filtered programs with partner name, agreement and its stage,
-- seats planned and people counts (delegations and participants under the filters).
-- $q searches the text columns; $mode is the tab's own filter.
with seats as (
    select program_id, count(*) as n_delegations, sum(seats_planned) as seats_planned
    from f_delegations($f)
    group by program_id
),
people as (
    select program_id,
           count(*) as n_participants,
           count(*) filter (where status = 'confirmed') as n_confirmed,
           count(*) filter (where status = 'attended') as n_attended
    from f_participants($f)
    group by program_id
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
        coalesce(x.n_participants, 0) as n_participants,
        coalesce(x.n_confirmed, 0) as n_confirmed,
        coalesce(x.n_attended, 0) as n_attended
    from f_programs($f) p
    join partners pa on pa.partner_id = p.partner_id
    left join agreements ag on ag.agreement_id = p.agreement_id
    left join seats s on s.program_id = p.program_id
    left join people x on x.program_id = p.program_id
    where in_list($mode, p.mode)
      and ($q = ''
           or matches(p.program_id, $q)
           or matches(p.title, $q)
           or matches(pa.name, $q)
           or matches(p.host_city, $q)
           or matches(ag.title, $q))
)
select * from final
