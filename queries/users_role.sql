-- The role kept for one person ($email, lower case), read on every rerun of their
-- session so a change by an administrator takes effect at their next interaction.
select role
from users
where email = $email
