-- The maintenance plan (docs/decisions/0043): recurring tasks the board sets up (fire-safety rounds, HMS checks,
-- gutter cleaning, meter readings) and their occurrences, one open at a time per task. Completing an occurrence
-- records who, when and the checklist answers, and creates the next one in the same transaction.

-- A recurring task. Its schedule is counted from the anchor (the first due date and the wall-clock due time in the
-- association's zone, copied from members when the task is made), so occurrences do not drift across month ends or
-- daylight saving time.
create table operations.maintenance_tasks (
  association_id uuid not null,
  id uuid not null,
  title text not null check (length(title) between 1 and 120),
  description text check (length(description) between 1 and 2000),
  -- the items a round checks, in order; each answered when the round is completed
  checklist text[] not null default '{}' check (cardinality(checklist) <= 30),
  recurrence text not null check (recurrence in ('weekly', 'monthly', 'yearly', 'every_n_months')),
  interval_months integer check (interval_months between 1 and 60),
  anchor_on date not null,
  due_time text not null check (due_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone text not null check (length(time_zone) between 1 and 64),
  -- members' id of the person who does it (the caretaker, a board member, a resident volunteer); null: the board
  responsible_member_id uuid,
  -- the board member who made it; null once they were erased
  created_by_member_id uuid,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  -- stopped by the board: no further occurrences, history kept
  archived_at timestamptz,
  primary key (association_id, id),
  check ((recurrence = 'every_n_months') = (interval_months is not null))
);
-- The board's plan (maintenanceTasks): an association's tasks by title.
create index maintenance_tasks_by_title on operations.maintenance_tasks (association_id, title, id);
-- A member's own tasks (maintenanceTasks for the responsible person), and the privacy export and erasure.
create index maintenance_tasks_by_responsible on operations.maintenance_tasks (association_id, responsible_member_id) where responsible_member_id is not null;

-- One due round of a task. `seq` counts occurrences from the task's anchor (0 is the first due date).
create table operations.maintenance_occurrences (
  association_id uuid not null,
  id uuid not null,
  task_id uuid not null,
  seq integer not null check (seq >= 0),
  due_at timestamptz not null,
  completed_at timestamptz,
  -- who completed it; null until then, and once they were erased
  completed_by_member_id uuid,
  -- one answer per checklist item as it read when completed: [{ "item", "done", "note" }]
  answers jsonb,
  note text check (length(note) between 1 and 2000),
  -- when the overdue sweep claimed it: set once, so the responsible person is told once across replicas
  overdue_notified_at timestamptz,
  created_at timestamptz not null,
  primary key (association_id, id),
  foreign key (association_id, task_id) references operations.maintenance_tasks (association_id, id) on delete cascade,
  check ((completed_at is null) = (answers is null))
);
-- At most one open occurrence per task: a second completion of the same round finds none to complete (CONFLICT),
-- and the next occurrence cannot be created twice. Also MaintenanceTask.nextOccurrence.
create unique index maintenance_occurrences_open on operations.maintenance_occurrences (association_id, task_id) where completed_at is null;
-- MaintenanceTask.history: a task's completed rounds, newest first.
create index maintenance_occurrences_by_task on operations.maintenance_occurrences (association_id, task_id, due_at desc, id);
-- The overdue sweep, across associations: open occurrences past due that nobody has been told about yet.
create index maintenance_occurrences_overdue_unnotified on operations.maintenance_occurrences (due_at) where completed_at is null and overdue_notified_at is null;
-- Privacy export and erasure: the rounds a member completed.
create index maintenance_occurrences_by_completer on operations.maintenance_occurrences (association_id, completed_by_member_id) where completed_by_member_id is not null;

do $$
declare t text;
begin
  foreach t in array array['maintenance_tasks', 'maintenance_occurrences'] loop
    execute format('alter table operations.%I enable row level security', t);
    execute format('alter table operations.%I force row level security', t);
    execute format('create policy tenant_isolation on operations.%I using (association_id = operations.current_association_id() or operations.in_system_scope())', t);
  end loop;
end $$;
