-- What the Record form offers to pick: every partner by name and every agreement by
-- title with its partner and stage. Not narrowed by the sidebar filters: a keeper records
-- what happened wherever it belongs (1,250 partners at 1M participants: a searchable
-- selectbox).
with final as (
    select 'partner' as kind, partner_id as record_id, name as label,
           null::varchar as partner_id
    from partners
    union all
    select 'agreement', agreement_id, title, partner_id
    from agreements
)

select * from final
order by kind, label, record_id
