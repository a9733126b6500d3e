-- Issue 14 (privacy): whose content a notification is about (a post's title and excerpt, a comment), so that erasing
-- the author also deletes other residents' notices of their content unless the association keeps that kind
-- (docs/decisions/0036). Null for notifications about no one's content.

alter table notifications.notifications add column content_kind text check (content_kind in ('posts', 'comments', 'documents', 'events'));
alter table notifications.notifications add column content_author_id uuid;
alter table notifications.notifications add constraint notifications_content_check
  check ((content_kind is null) = (content_author_id is null));

-- privacy/erase: the notices to others about the erased author's content
create index notifications_content_author on notifications.notifications (association_id, content_author_id) where content_author_id is not null;
