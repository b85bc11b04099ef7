-- Explorer, funding tab: filtered funding lines with the amount converted to the
-- display currency $currency and the rate used (display units per unit of the line's
-- currency, from the rates in force on rate_on). A line with an amount and no rate is
-- unconverted: amount_display stays null and is_unconverted is true, never zero.
-- $q searches the text columns; $status is the tab's own filter.
with display_rate as (
    select fu.funding_id, dr.valid_from as display_rate_valid_from,
           dr.idr_per_unit as display_idr_per_unit
    from f_funding($f, $currency) fu
    asof left join fx_rates dr on dr.currency = upper($currency) and fu.rate_on >= dr.valid_from
),
final as (
    select
        fu.funding_id,
        fu.program_id,
        p.title as program_title,
        pa.name as partner_name,
        fu.delegation_id,
        code_label($label_keys, $label_values, 'source', fu.source) as source_label,
        fu.source,
        fu.funder,
        fu.amount,
        fu.currency,
        code_label($label_keys, $label_values, 'funding_status', fu.status) as status_label,
        fu.status,
        fu.recorded_on,
        fu.rate_on,
        upper($currency) as display_currency,
        round(fu.amount_display, 2) as amount_display,
        case
            when fu.currency is null then null
            when fu.currency = upper($currency) then 1.0
            else (case when fu.currency = 'IDR' then 1.0 else fu.rate_idr_per_unit::double end)
                 / (case when upper($currency) = 'IDR' then 1.0
                         else dr.display_idr_per_unit::double end)
        end as rate_used,
        fu.rate_valid_from,
        fu.rate_idr_per_unit,
        dr.display_rate_valid_from,
        dr.display_idr_per_unit,
        fu.rate_source,
        fu.is_unconverted
    from f_funding($f, $currency) fu
    join programs p on p.program_id = fu.program_id
    join partners pa on pa.partner_id = fu.partner_id
    left join display_rate dr on dr.funding_id = fu.funding_id
    where in_list($status, fu.status)
      and ($q = ''
           or matches(fu.funding_id, $q)
           or matches(fu.program_id, $q)
           or matches(p.title, $q)
           or matches(pa.name, $q)
           or matches(fu.funder, $q))
)
select * from final
