-- Explorer, participants tab: filtered participants with program, side and province.
-- full_name is personal data: it is null unless $show_names, and a search never looks
-- at it then. $province_codes / $province_names carry the reference list of provinces.
-- $q searches the text columns; $status / $gender / $role are the tab's own filters.
with final as (
    select
        x.participant_id,
        case when $show_names then x.full_name end as full_name,
        x.position,
        x.organisation,
        x.region_code,
        map($province_codes, $province_names)[x.province_code] as province_name,
        map($label_keys, $label_values)['gender.' || x.gender] as gender_label,
        x.gender,
        map($label_keys, $label_values)['role.' || x.role] as role_label,
        x.role,
        map($label_keys, $label_values)['participant_status.' || x.status] as status_label,
        x.status,
        x.delegation_id,
        map($label_keys, $label_values)['side.' || x.side] as side_label,
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
           or x.participant_id ilike '%' || $q || '%'
           or ($show_names and x.full_name ilike '%' || $q || '%')
           or x.position ilike '%' || $q || '%'
           or x.organisation ilike '%' || $q || '%'
           or p.title ilike '%' || $q || '%'
           or map($province_codes, $province_names)[x.province_code] ilike '%' || $q || '%')
)
select * from final
