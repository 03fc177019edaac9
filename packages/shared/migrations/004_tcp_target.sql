-- Up Migration

-- A TCP check keeps its target in `url` as tcp://host:port (plain) or tls://host:port (TLS handshake
-- after connecting), IPv6 literals in brackets; only TCP checks may hold such a URL, so every reader
-- can tell the two apart by kind alone.
ALTER TABLE checks ADD CONSTRAINT checks_tcp_target CHECK (
  (kind = 'tcp') = (url ~ '^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^/:\[\]]+):[0-9]{1,5}$')
);

-- Down Migration
ALTER TABLE checks DROP CONSTRAINT checks_tcp_target;
