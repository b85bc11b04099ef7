-- When one person ($email, lower case) last signed out, as UTC epoch seconds (no row:
-- never). Read on every rerun of their sessions with their role (coopdash.web.auth).
select epoch(signed_out_at) as signed_out
from sign_outs
where email = $email
