-- coopdash store, schema version 4: who may see what, and who saw what.
--
-- `users`: the role of each person, keyed by the e-mail address their sign-in provider
-- vouches for (lower case). No row: no role (the deployment may grant `viewer` by
-- default). Administrators named by COOPDASH_ADMINS are admins whatever this says.
create table users (
    email varchar primary key,
    role varchar not null check (role in ('viewer', 'analyst', 'keeper', 'admin')),
    changed_at timestamp not null,
    changed_by varchar not null
);

-- Every change of a role: who changed it, when, old -> new (null: none).
create sequence role_change_seq start 1;

create table role_log (
    change_id integer primary key default nextval('role_change_seq'),
    changed_at timestamp not null,
    actor varchar not null,
    email varchar not null,
    old_role varchar,
    new_role varchar,
    check (old_role is distinct from new_role)
);

-- Every file with participants' names that left coopdash: who, when, which table, the
-- filters (JSON text), how many rows, which format.
create sequence access_seq start 1;

create table access_log (
    access_id integer primary key default nextval('access_seq'),
    accessed_at timestamp not null,
    actor varchar not null,
    role varchar not null,
    table_name varchar not null,
    filters varchar not null,
    n_rows bigint,
    format varchar not null
);
