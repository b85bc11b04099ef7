-- coopdash store: saved views (migration 006).
--
-- A saved view is a named address of the dashboard: the page (`page`, its url path) and
-- the URL's query parameters (`query`, a JSON object: filters, language, currency, the
-- explorer's table, search and sort). Opening it opens exactly what that URL opens. It
-- never holds a role or any data: whoever opens it sees what their own role allows.
--
-- `owner`: the signed-in person's e-mail; without sign-in, the configured actor
-- (COOPDASH_ACTOR). `is_shared`: listed for everyone; only the owner or an admin changes
-- or deletes it. A person's views have distinct names.
--
-- Saving a view changes no record: it does not bump `meta.data_version` and is not in
-- `import_log`. Idempotent (`if not exists`).

create sequence if not exists saved_view_seq start 1;

create table if not exists saved_views (
    view_id integer primary key default nextval('saved_view_seq'),
    owner varchar not null check (length(owner) > 0),
    name varchar not null check (length(trim(name)) between 1 and 80),
    page varchar not null check (regexp_full_match(page, '[a-z0-9_-]+')),
    query varchar not null,
    is_shared boolean not null default false,
    created_at timestamp not null,
    updated_at timestamp not null,
    unique (owner, name)
);
