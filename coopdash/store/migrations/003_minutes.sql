-- coopdash store, schema version 3: the weekly meeting.
--
-- `minutes`: what a weekly review meeting recorded, one record per ISO week (the week is
-- the record's id, `2026-W48`). Minutes are written like every other record, through the
-- importer (a workbook, or the Weekly review page in mode 'edit'), so each save is in
-- `import_log` (who, when) and every earlier text is in `history` (field 'notes', old ->
-- new): the minutes' history needs no table of its own.
--
-- `actions.meeting_week`: the weekly meeting that created a follow-up, so the next
-- meeting can open with "since last meeting" (done / open / overdue).
--
-- `send_log`: every attempt to send the meeting pack by e-mail (`send-pack`), sent or
-- failed with the reason. Sending changes no record, so it is not in `import_log` (which
-- the weekly review reads as "what changed") and does not bump `meta.data_version`.
--
-- A week is checked as text here (`YYYY-Www`); the validator also checks that the week
-- exists in that year (2026-W53 does, 2025-W53 does not). The statements are idempotent
-- (`if not exists`), so a store that already has these objects migrates too.

create table if not exists minutes (
    meeting_week varchar primary key check (regexp_full_match(meeting_week, '[0-9]{4}-W[0-9]{2}')),
    notes varchar not null,
    recorded_by varchar,
    recorded_on date
);

alter table actions add column if not exists meeting_week varchar;

create sequence if not exists send_seq start 1;

create table if not exists send_log (
    send_id integer primary key,
    sent_at timestamp not null,
    actor varchar not null,
    meeting_week varchar not null,
    format varchar not null,
    recipients varchar[] not null,
    is_sent boolean not null,
    error varchar
);
