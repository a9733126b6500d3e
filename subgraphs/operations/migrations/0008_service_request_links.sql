-- Service request lists with overdue requests first (docs/decisions/0041, addendum "links"): the board's, the
-- assignee's and a resident's lists order by (overdue and still open) desc, created_at desc, id desc, the overdue flag
-- being the one the deadline sweep sets (overdue_notified_at) while the request is open. The indexes hold that flag
-- as the same expression the list queries write (service-requests.repository.ts overdueFirst), so a page is read in
-- index order instead of sorting all of an association's requests.

-- The board's list: select … from service_requests where association_id = $1
--   [and (flag, created_at, id) < ($2, $3, $4)] order by flag desc, created_at desc, id desc limit $5
create index service_requests_list on operations.service_requests (
  association_id,
  (case when overdue_notified_at is not null and status in ('new', 'acknowledged', 'in_progress', 'waiting') then 1 else 0 end) desc,
  created_at desc,
  id desc
);

-- The assignee's list: … where association_id = $1 and assignee_member_id = $2 [and (flag, created_at, id) < (…)]
--   order by flag desc, created_at desc, id desc limit $n
create index service_requests_assignee_list on operations.service_requests (
  association_id,
  assignee_member_id,
  (case when overdue_notified_at is not null and status in ('new', 'acknowledged', 'in_progress', 'waiting') then 1 else 0 end) desc,
  created_at desc,
  id desc
) where assignee_member_id is not null;
