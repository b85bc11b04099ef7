-- The choices offered by the sidebar filters: partners, partner countries, program
-- start years, home provinces, IATI publishers records came from and recipient countries
-- present in the store (codes are listed by the UI).
with partner_opts as (
    select 'partner' as kind, partner_id as value, name as label from partners
),
country_opts as (
    select distinct 'country' as kind, country as value, country as label from partners
),
year_opts as (
    select distinct 'year' as kind, year(starts_on)::varchar as value,
           year(starts_on)::varchar as label
    from programs where starts_on is not null
),
province_opts as (
    select distinct 'province' as kind, left(region_code, 2) as value,
           left(region_code, 2) as label
    from participants where region_code is not null
),
origin_opts as (
    select distinct 'origin' as kind, p.origin as value, coalesce(pa.name, p.origin) as label
    from programs p left join partners pa on pa.partner_id = p.origin
    where p.origin is not null
),
recipient_opts as (
    select distinct 'recipient' as kind, country as value, country as label from recipients
),
final as (
    select * from partner_opts
    union all select * from country_opts
    union all select * from year_opts
    union all select * from province_opts
    union all select * from origin_opts
    union all select * from recipient_opts
)
select * from final order by kind, label
