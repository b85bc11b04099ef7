-- Admin page and `users list`: every person with a role kept in the store.
select email, role, changed_at, changed_by
from users
order by email
