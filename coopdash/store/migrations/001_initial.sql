-- coopdash store, schema version 1: the tables of the workbook contract plus the
-- bookkeeping (meta, import log, record history). References are checked by the
-- validator on the store-as-it-would-be (DuckDB foreign keys would block replacing).

create table partners (
    partner_id varchar primary key,
    name varchar not null,
    country varchar not null check (regexp_full_match(country, '[A-Z]{2}')),
    office_city varchar,
    org_type varchar not null check (org_type in ('government', 'local_government',
        'local_government_association', 'public_sector', 'ngo', 'multilateral', 'academic',
        'private', 'other'))
);

create table agreements (
    agreement_id varchar primary key,
    partner_id varchar not null,
    title varchar not null,
    instrument varchar not null check (instrument in ('loi', 'mou',
        'implementing_arrangement', 'exchange_of_letters', 'other')),
    stage varchar not null check (stage in ('exploration', 'drafting', 'approval', 'signed',
        'active', 'extended', 'expired', 'terminated')),
    signed_on date,
    starts_on date,
    ends_on date,
    reference varchar,
    notes varchar,
    check (ends_on is null or starts_on is null or ends_on >= starts_on)
);

create table milestones (
    milestone_id varchar primary key,
    agreement_id varchar not null,
    occurred_on date not null,
    kind varchar not null check (kind in ('letter', 'meeting', 'signing', 'extension',
        'review', 'visit', 'other')),
    title varchar not null,
    channel varchar check (channel in ('online', 'in_person', 'hybrid', 'document')),
    reference varchar
);

create table programs (
    program_id varchar primary key,
    partner_id varchar not null,
    agreement_id varchar,
    title varchar not null,
    kind varchar not null check (kind in ('seminar', 'study_visit', 'specialist_dispatch',
        'webinar', 'training', 'meeting', 'exchange', 'other')),
    status varchar not null check (status in ('proposed', 'planned', 'confirmed', 'ongoing',
        'completed', 'postponed', 'cancelled')),
    mode varchar check (mode in ('in_person', 'online', 'hybrid')),
    host_country varchar check (regexp_full_match(host_country, '[A-Z]{2}')),
    host_city varchar,
    starts_on date,
    ends_on date,
    check (ends_on is null or starts_on is null or ends_on >= starts_on)
);

create table delegations (
    delegation_id varchar primary key,
    program_id varchar not null,
    side varchar not null check (side in ('home', 'partner')),
    seats_planned integer check (seats_planned >= 0)
);

create table participants (
    participant_id varchar primary key,
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

create table funding (
    funding_id varchar primary key,
    program_id varchar not null,
    delegation_id varchar,
    source varchar not null check (source in ('apbn', 'apbd', 'partner', 'self_funded',
        'co_funded', 'other')),
    funder varchar,
    amount decimal(18, 2) check (amount >= 0),
    currency varchar check (regexp_full_match(currency, '[A-Z]{3}')),
    status varchar not null check (status in ('planned', 'committed', 'spent')),
    recorded_on date,
    check (amount is null or currency is not null)
);

create table fx_rates (
    currency varchar not null check (regexp_full_match(currency, '[A-Z]{3}')),
    valid_from date not null,
    idr_per_unit decimal(18, 2) not null check (idr_per_unit > 0),
    source varchar,
    primary key (currency, valid_from)
);

create table actions (
    action_id varchar primary key,
    agreement_id varchar,
    program_id varchar,
    title varchar not null,
    owner varchar not null,
    opened_on date not null,
    due_on date,
    status varchar not null check (status in ('open', 'done', 'dropped')),
    closed_on date,
    check (status = 'open' or closed_on is not null),
    check (closed_on is null or closed_on >= opened_on)
);

-- Bookkeeping -------------------------------------------------------------------------

create table meta (
    key varchar primary key,
    value varchar not null
);

create sequence import_seq start 1;

create table import_log (
    import_id integer primary key,
    imported_at timestamp not null,
    actor varchar not null,
    file_name varchar not null,
    mode varchar not null check (mode in ('upsert', 'replace', 'init', 'edit')),
    table_name varchar not null,
    n_added integer not null,
    n_changed integer not null,
    n_removed integer not null,
    added_ids varchar[],
    changed_ids varchar[],
    removed_ids varchar[]
);

-- One row per changed field (change = 'changed'), or one per record removed (field
-- null). Values are kept as the workbook text. (Schema version 1 also wrote one 'added'
-- row per added record; since version 2, `002_added_in_import_log.sql`, added records are
-- named only by `import_log.added_ids`.)
create table history (
    import_id integer not null,
    changed_at timestamp not null,
    table_name varchar not null,
    record_id varchar not null,
    change varchar not null check (change in ('added', 'changed', 'removed')),
    field varchar,
    old_value varchar,
    new_value varchar
);
