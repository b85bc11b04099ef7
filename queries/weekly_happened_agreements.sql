-- Agreements' events in one ISO week, from their own dates: `signed` (signed_on),
-- `started` (starts_on), `extended` (an extension milestone dated in the week),
-- `terminated` (ends_on, stage terminated) or `expired` (ends_on, any other stage). One
-- agreement may have several events in a week.
with ags as (
    select a.*, pa.name as partner_name
    from f_agreements($f) a
    join partners pa on pa.partner_id = a.partner_id
),

events as (
    select agreement_id, 'signed' as event, signed_on as event_on from ags
    union all
    select agreement_id, 'started', starts_on from ags
    union all
    select agreement_id, case when stage = 'terminated' then 'terminated' else 'expired' end,
        ends_on
    from ags
    union all
    select m.agreement_id, 'extended', m.occurred_on
    from milestones m
    where m.kind = 'extension'
),

final as (
    select
        e.event_on,
        e.event,
        a.agreement_id,
        a.title,
        a.partner_name,
        a.instrument,
        a.stage,
        a.reference
    from events e
    join ags a on a.agreement_id = e.agreement_id
    where e.event_on between $week_start::date and $week_end::date
)

select * from final
order by event_on, agreement_id, event
