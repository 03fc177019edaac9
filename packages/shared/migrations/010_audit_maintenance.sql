-- Up Migration

-- The audit log (006) also covers maintenance windows and incident updates (007), written by people.
CREATE TRIGGER maintenance_windows_audit AFTER INSERT OR UPDATE OR DELETE ON maintenance_windows FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('maintenance window', 'title', '', '');
CREATE TRIGGER incident_updates_audit AFTER INSERT OR UPDATE OR DELETE ON incident_updates FOR EACH ROW
  WHEN (coalesce(current_setting('pingdummy.actor', true), '') <> '')
  EXECUTE FUNCTION audit_change('incident update', 'status', '', '');

-- Down Migration
DROP TRIGGER IF EXISTS incident_updates_audit ON incident_updates;
DROP TRIGGER IF EXISTS maintenance_windows_audit ON maintenance_windows;
