-- A post its author deleted is gone for good: moderation may hide, restore or remove what others wrote, but must
-- not bring back words their author took back. Board removals go through moderation (logged, the author told),
-- so deleted_at marks the author's own deletion only; moderation_state is 'removed' in both cases.
alter table posts.posts add column deleted_at timestamptz;
