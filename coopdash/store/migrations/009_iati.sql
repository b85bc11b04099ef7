-- coopdash store: records from partners' IATI activity files (issue 21).
--
-- - programs.origin / origin_file / origin_on: where a program came from. Empty origin =
--   our own records; else the IATI publisher's organisation identifier (`XM-DAC-701-8`),
--   the file it was loaded from and the day the publisher generated that file. The
--   sidebar's "origin" filter reads it.
-- - recipients: who a program benefits, by country (IATI recipient-country, with its
--   percentage): not where it takes place (programs.host_country).
-- - funding.origin, and a signed amount: a publisher's transaction is kept as published,
--   a correction negative, so our totals equal the publisher's. Our own lines stay
--   >= 0 (the validator says so at the cell; the schema too).
--
-- funding is recreated (DuckDB cannot change a check constraint): same columns, order and
-- checks as in 001 but the amount's, plus origin; rows copied in their order.

alter table programs add column origin varchar;
alter table programs add column origin_file varchar;
alter table programs add column origin_on date;

create table recipients (
    program_id varchar not null,
    country varchar not null check (regexp_full_match(country, '[A-Z]{2}')),
    percentage decimal(18, 2) check (percentage >= 0 and percentage <= 100),
    primary key (program_id, country)
);

create table funding_009 (
    funding_id varchar primary key,
    program_id varchar not null,
    delegation_id varchar,
    source varchar not null check (source in ('apbn', 'apbd', 'partner', 'self_funded',
        'co_funded', 'other')),
    funder varchar,
    amount decimal(18, 2) check (amount >= 0 or origin is not null),
    currency varchar check (regexp_full_match(currency, '[A-Z]{3}')),
    status varchar not null check (status in ('planned', 'committed', 'spent')),
    recorded_on date,
    origin varchar,
    check (amount is null or currency is not null)
);

insert into funding_009
select funding_id, program_id, delegation_id, source, funder, amount, currency, status,
       recorded_on, null
from funding;
drop table funding;
alter table funding_009 rename to funding;
