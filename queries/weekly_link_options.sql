-- What a new follow-up can be linked to: the filtered agreements and programs.
with final as (
    select 'agreement' as kind, agreement_id as record_id, title from f_agreements($f)
    union all
    select 'program', program_id, title from f_programs($f)
)

select * from final
order by kind, title, record_id
