-- The closures job leases the closures it works on (decision 0037), so two privacy processes never ask the
-- subgraphs twice or announce one export twice: a closure held by a run (locked now, or leased and not run out) is
-- skipped; a crashed process's lease runs out.
alter table privacy.association_closures add column leased_until timestamptz;
