-- coopdash store: participants' key kept by the importer, not by an index (migration 007).
--
-- `participants` is the one table that reaches a million rows. Its text primary key was
-- an ART index that DuckDB maintains row by row on insert and writes out at every
-- checkpoint: at 1M participants about 1.6 s of an 8.9 s import and 40 MB of a 79 MB store
-- file, a file that every write (even an access-log line) copies once. Uniqueness of
-- `participant_id` is kept by the only way records enter the store, the importer:
--   - the validator refuses a file that repeats an id (`duplicate_key`, every repeat
--     located), before anything is written;
--   - an id already stored updates that record (the staging joins on the key), it is
--     never inserted again; a replace deletes the ids the file does not hold.
-- tests/test_participants_key.py guards both. Every other table keeps its primary key
-- (they are small; their keys cost nothing measurable).
--
-- Recreated as it was in 001 but for the primary key: same columns, order, defaults and
-- checks, rows copied in their order.

create table participants_007 (
    participant_id varchar not null,
    delegation_id varchar not null,
    full_name varchar not null,
    position varchar,
    organisation varchar,
    region_code varchar check (regexp_full_match(region_code, '[0-9]{2}(\.[0-9]{2})?')),
    gender varchar check (gender in ('female', 'male', 'unspecified')),
    role varchar not null default 'member' check (role in ('head', 'member', 'speaker',
        'moderator', 'observer', 'staff')),
    status varchar not null check (status in ('nominated', 'confirmed', 'attended',
        'withdrawn'))
);

insert into participants_007 select * from participants;
drop table participants;
alter table participants_007 rename to participants;
