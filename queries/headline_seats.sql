-- Headline: seats planned outbound (our side, in person abroad) and inbound.
select
    coalesce(sum(seats_planned) filter (where is_outbound), 0) as outbound,
    coalesce(sum(seats_planned) filter (where is_inbound), 0) as inbound
from f_delegations($f)
