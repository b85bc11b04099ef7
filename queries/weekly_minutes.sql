-- The minutes of one weekly meeting ($meeting_week, `2026-W48`), with when they were last
-- saved (the latest import that added or changed them). Minutes belong to the whole
-- meeting: the sidebar filters do not apply.
with saves as (
    select l.imported_at, l.actor
    from import_log l
    where l.table_name = 'minutes'
      and (list_contains(l.added_ids, $meeting_week)
           or list_contains(l.changed_ids, $meeting_week))
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
