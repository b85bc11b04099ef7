-- Explorer, agreements tab: agreements of the filtered partners with their partner, the
-- labels of their codes and related counts (programs under the filters, milestones).
-- $q searches the text columns; $stage / $instrument are the tab's own filters.
with programs_of as (
    select agreement_id, count(*) as n_programs
    from f_programs($f)
    where agreement_id is not null
    group by agreement_id
),
milestones_of as (
    select agreement_id, count(*) as n_milestones, max(occurred_on) as last_milestone_on
    from milestones
    group by agreement_id
),
final as (
    select
        a.agreement_id,
        a.title,
        a.partner_id,
        pa.name as partner_name,
        pa.country as partner_country,
        code_label($label_keys, $label_values, 'instrument', a.instrument) as instrument_label,
        a.instrument,
        code_label($label_keys, $label_values, 'stage', a.stage) as stage_label,
        a.stage,
        a.signed_on,
        a.starts_on,
        a.ends_on,
        a.reference,
        coalesce(p.n_programs, 0) as n_programs,
        coalesce(m.n_milestones, 0) as n_milestones,
        m.last_milestone_on,
        a.notes
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
    left join programs_of p on p.agreement_id = a.agreement_id
    left join milestones_of m on m.agreement_id = a.agreement_id
    where in_list($stage, a.stage)
      and in_list($instrument, a.instrument)
      and ($q = ''
           or matches(a.agreement_id, $q)
           or matches(a.title, $q)
           or matches(pa.name, $q)
           or matches(a.reference, $q)
           or matches(a.notes, $q))
)
select * from final
