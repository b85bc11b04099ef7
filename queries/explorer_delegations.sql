-- Explorer, delegations tab: filtered delegations with their program, side, direction
-- (outbound / inbound as the contract defines them) and seats against people counted.
-- $q searches the text columns; $direction is the tab's own filter.
-- Confirmed is `is_confirmed` (confirmed or attended).
with base as (
    select d.*,
           case when d.is_outbound then 'outbound'
                when d.is_inbound then 'inbound'
                else 'other' end as direction
    from f_delegations($f) d
),
final as (
    select
        d.delegation_id,
        d.program_id,
        p.title as program_title,
        pa.name as partner_name,
        code_label($label_keys, $label_values, 'side', d.side) as side_label,
        d.side,
        code_label($label_keys, $label_values, 'direction', d.direction) as direction_label,
        d.direction,
        d.host_country,
        d.program_starts_on,
        d.seats_planned,
        coalesce(x.n_participants, 0) as n_participants,
        coalesce(x.n_confirmed, 0) as n_confirmed,
        coalesce(x.n_attended, 0) as n_attended
    from base d
    join programs p on p.program_id = d.program_id
    join partners pa on pa.partner_id = d.partner_id
    left join delegation_people($f) x on x.delegation_id = d.delegation_id
    where in_list($direction, d.direction)
      and ($q = ''
           or matches(d.delegation_id, $q)
           or matches(d.program_id, $q)
           or matches(p.title, $q)
           or matches(pa.name, $q))
)
select * from final
