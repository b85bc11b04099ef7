-- Explorer, participants tab: filtered participants with program, side and province.
-- full_name, position and participant_id are personal data (a position such as one
-- regency's head is one person): name and position are null unless $show_names, a search
-- looks at none of them then, and the explorer's wrapper (coopdash.figures.explorer)
-- selects the id only for roles that see names (it still breaks ties in the sort).
-- organisation is not: it is the body the delegation comes from.
-- $province_codes / $province_names carry the reference list of provinces.
-- $q searches the text columns; $status / $gender / $role are the tab's own filters.
with final as (
    select
        x.participant_id,
        case when $show_names then x.full_name end as full_name,
        case when $show_names then x.position end as position,
        x.organisation,
        x.region_code,
        map($province_codes, $province_names)[x.province_code] as province_name,
        code_label($label_keys, $label_values, 'gender', x.gender) as gender_label,
        x.gender,
        code_label($label_keys, $label_values, 'role', x.role) as role_label,
        x.role,
        code_label($label_keys, $label_values, 'participant_status', x.status) as status_label,
        x.status,
        x.delegation_id,
        code_label($label_keys, $label_values, 'side', x.side) as side_label,
        x.side,
        x.program_id,
        p.title as program_title,
        pa.name as partner_name,
        x.program_starts_on
    from f_participants($f) x
    join programs p on p.program_id = x.program_id
    join partners pa on pa.partner_id = x.partner_id
    where in_list($status, x.status)
      and in_list($gender, x.gender)
      and in_list($role, x.role)
      and ($q = ''
           or ($show_names and matches(x.participant_id, $q))
           or ($show_names and matches(x.full_name, $q))
           or ($show_names and matches(x.position, $q))
           or matches(x.organisation, $q)
           or matches(p.title, $q)
           or matches(map($province_codes, $province_names)[x.province_code], $q))
)
select * from final
