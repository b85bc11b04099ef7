-- The minutes of one weekly meeting ($meeting_week, `2026-W48`), with when they were last
-- saved (the latest import that added or changed them). Minutes belong to the whole
-- meeting: the sidebar filters do not apply.
with saves as (
    select l.imported_at, l.actor
    from import_log l
    where l.table_name = 'minutes'
      and (exists (select 1 from import_added a
                   where a.import_id = l.import_id and a.record_id = $meeting_week)
           or exists (select 1 from history h
                      where h.import_id = l.import_id and h.change = 'changed'
                        and h.record_id = $meeting_week))
),

final as (
    select
        m.meeting_week,
        m.notes,
        m.recorded_by,
        m.recorded_on,
        (select max(imported_at) from saves) as saved_at,
        (select count(*) from saves) as n_saves
    from minutes m
    where m.meeting_week = $meeting_week
)

select * from final
