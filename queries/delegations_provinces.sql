-- Home-side participants per home province (the first two digits of region_code):
-- people (not withdrawn), of whom attended, and of whom sent abroad.
with final as (
    select province_code,
           count(*) filter (where is_recorded(status)) as n_people,
           count(*) filter (where status = 'attended') as n_attended,
           count(*) filter (where is_outbound and is_recorded(status)) as n_outbound
    from f_participants($f)
    where side = 'home' and province_code is not null
    group by province_code
)
select * from final where n_people > 0 order by n_people desc, province_code
