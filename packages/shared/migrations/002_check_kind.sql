-- Up Migration

-- What a check watches: an HTTP(S) URL or a TCP port, both probed by the beacons, or the pings a job
-- sends (heartbeat, probed by nobody: the worker marks it down when a ping is late).
ALTER TABLE checks ADD COLUMN kind text NOT NULL DEFAULT 'http' CHECK (kind IN ('http', 'tcp', 'heartbeat'));

-- Down Migration
ALTER TABLE checks DROP COLUMN kind;
