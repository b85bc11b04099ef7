-- Every earlier text of one meeting's minutes, newest first: each save that changed the
-- notes (history keeps old -> new), with who saved it and when.
with final as (
    select
        h.changed_at,
        l.actor,
        l.file_name,
        h.old_value,
        h.new_value
    from history h
    left join import_log l on l.import_id = h.import_id
    where h.table_name = 'minutes'
      and h.record_id = $meeting_week
      and h.field = 'notes'
      and h.change = 'changed'
)

select * from final
order by changed_at desc
