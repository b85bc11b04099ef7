-- Headline: partners that pass the partner and country filters.
select count(*) as n_partners
from partners pa
where in_list($f['partners'], pa.partner_id)
  and in_list($f['countries'], pa.country)
