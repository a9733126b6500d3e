-- Restriction of processing (GDPR art. 18, decisions 0036 and 0038): a post or comment written while its author's
-- processing is restricted is withheld: shown to nobody but its author (the board included, as nobody else sees it
-- there is nothing to moderate) and announced to nobody. What the person wrote before the restriction is unchanged,
-- and withheld content stays the author's own after the restriction is lifted (they wrote it on those terms). The
-- reads filter on it inside scans the existing indexes already serve.
alter table posts.posts add column withheld boolean not null default false;
alter table posts.comments add column withheld boolean not null default false;
