-- When this sign-up's member was sent the event's reminder (event.reminder_due): by the sweep's claim for each
-- confirmed seat, or at once for a seat confirmed after it (a late sign-up, a promotion from the waitlist). Kept on
-- a cancelled row too: a member who was reminded, cancels and gets a seat again is not reminded twice (decision
-- 0061). No index of its own: the check, under the event's lock, reads that event's sign-ups of one member through
-- event_signups_by_event (association_id, event_id, seq), a few rows per event. Erased with the row. Not backfilled
-- from events.reminded_at: who the sweep named was not kept, so that would be a guess (decision 0061).
alter table posts.event_signups add column reminded_at timestamptz;
