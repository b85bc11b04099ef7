-- Admin page: every change of a role, newest first (old -> new; null = no role).
select changed_at, actor, email, old_role, new_role
from role_log
order by changed_at desc, change_id desc
