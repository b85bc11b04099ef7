-- Every published write (imports, edits, undos, ...), newest first: who, when, which file,
-- and per table the records added / changed / removed. One row per write; `tables` lists
-- the per-table counts in table order. `base_version` is the state the write was applied
-- to (what `undo` restores), null when it was not recorded (older imports, new stores).
-- The access log's, the role log's and sign-outs' writes (`what` access, role, signout)
-- are the administrators' alone: listed only with `$show_private` (a role with `manage`).
-- `undoes`: on an undo, the write it undid; `undone_by`: the undo that removed this
-- write's records (null while they are in the store).
with counts as (
    select
        write_id,
        list({'table_name': table_name, 'n_added': n_added, 'n_changed': n_changed,
              'n_removed': n_removed} order by import_id) as tables,
        sum(n_added) as n_added,
        sum(n_changed) as n_changed,
        sum(n_removed) as n_removed
    from import_log
    where write_id is not null
    group by write_id
),

final as (
    select
        w.write_id,
        w.written_at,
        w.actor,
        w.what,
        w.file_name,
        w.mode,
        w.base_version,
        w.note,
        w.undoes,
        w.undone_by,
        coalesce(c.n_added, 0) as n_added,
        coalesce(c.n_changed, 0) as n_changed,
        coalesce(c.n_removed, 0) as n_removed,
        c.tables
    from write_log w
    left join counts c using (write_id)
    where $show_private or w.what not in ('access', 'role', 'signout')
)

select * from final
order by write_id desc
limit $limit
