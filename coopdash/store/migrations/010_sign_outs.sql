-- coopdash store: sign-out everywhere (issue 20).
--
-- `sign_outs`: when each person last pressed "Sign out" (UTC). Every session of that
-- person that signed in before it (the provider's `iat`, kept in Streamlit's identity
-- cookie) is ended at its next click, in every tab and on every device that shares the
-- cookie; signing in again starts a new one. A rights table: an undo leaves it as it is.
create table if not exists sign_outs (
    email varchar primary key,
    signed_out_at timestamp not null  -- UTC
);
