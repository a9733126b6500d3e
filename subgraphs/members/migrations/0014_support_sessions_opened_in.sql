-- A support session belongs to the operator's login that opened it (decision 0030): once that login session (its
-- refresh-token family) ends — logout, a replayed refresh token, a new password — the support session's operations
-- are refused too, so a stolen operator session cannot keep a support session after it was cut off. Null for sessions
-- opened before this column existed. Read with the session's own row; no index of its own.
alter table members.support_sessions add column opened_in_session_id uuid;
