-- One code per visit: unique among primary invites (a lone invite is its own primary; the
-- linked copy carries its primary's code).
CREATE UNIQUE INDEX invites_short_code ON invites(short_code) WHERE is_primary = 1;
