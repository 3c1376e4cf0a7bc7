/**
 * The legacy CRM's database logic, per dialect: a view of open pipeline per
 * account, triggers that keep `updated_at` current unless the statement sets
 * it itself (so a restore that writes `updated_at` keeps its value), and on
 * PostgreSQL and MySQL a stored function and a procedure.
 */
import type { DialectName } from '../shape.js';
import { LEGACY_TOUCHED_TABLES } from './legacy-schema.js';

const OPEN = `stage NOT IN ('closed_won', 'closed_lost')`;

const VIEW = `CREATE VIEW account_open_pipeline AS
SELECT a.id AS account_id, a.name AS account_name, a.owner_id AS owner_id,
       COUNT(o.id) AS open_opportunities, COALESCE(SUM(o.amount), 0) AS open_amount, MIN(o.close_date) AS next_close_date
FROM accounts a
JOIN opportunities o ON o.account_id = a.id AND o.deleted = FALSE AND o.${OPEN}
WHERE a.deleted = FALSE
GROUP BY a.id, a.name, a.owner_id`;

function sqlite(): string[] {
  const triggers = LEGACY_TOUCHED_TABLES.map(
    (table) => `CREATE TRIGGER ${table}_set_updated_at AFTER UPDATE ON ${table} FOR EACH ROW
WHEN NEW.updated_at IS OLD.updated_at
BEGIN
  UPDATE ${table} SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = NEW.id;
END`,
  );
  return [VIEW, ...triggers];
}

function postgres(): string[] {
  // The column may be timestamptz or timestamp (UTC wall time); the function handles both.
  const touch = `CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
    IF pg_typeof(NEW.updated_at) = 'timestamp with time zone'::regtype THEN
      NEW.updated_at := now();
    ELSE
      NEW.updated_at := timezone('UTC', now());
    END IF;
  END IF;
  RETURN NEW;
END
$$`;
  const triggers = LEGACY_TOUCHED_TABLES.map(
    (table) => `CREATE TRIGGER ${table}_set_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
  );
  const total = `CREATE FUNCTION account_pipeline_total(p_account_id bigint) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT COALESCE(SUM(amount), 0) FROM opportunities
  WHERE account_id = p_account_id AND deleted = FALSE AND ${OPEN}
$$`;
  const close = `CREATE PROCEDURE close_stale_opportunities(p_before date) LANGUAGE plpgsql AS $$
BEGIN
  UPDATE opportunities SET stage = 'closed_lost', probability = 0
  WHERE deleted = FALSE AND close_date < p_before AND ${OPEN};
END
$$`;
  return [VIEW, touch, ...triggers, total, close];
}

function mysql(): string[] {
  const triggers = LEGACY_TOUCHED_TABLES.map(
    (table) => `CREATE TRIGGER ${table}_set_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW
SET NEW.updated_at = IF(NEW.updated_at <=> OLD.updated_at, UTC_TIMESTAMP(3), NEW.updated_at)`,
  );
  const total = `CREATE FUNCTION account_pipeline_total(p_account_id BIGINT) RETURNS DECIMAL(15,2) READS SQL DATA
RETURN (SELECT COALESCE(SUM(amount), 0) FROM opportunities WHERE account_id = p_account_id AND deleted = FALSE AND ${OPEN})`;
  const close = `CREATE PROCEDURE close_stale_opportunities(IN p_before DATE) MODIFIES SQL DATA
UPDATE opportunities SET stage = 'closed_lost', probability = 0 WHERE deleted = FALSE AND close_date < p_before AND ${OPEN}`;
  return [VIEW, ...triggers, total, close];
}

/** The legacy CRM's views, triggers and routines for a dialect. */
export function legacyExtras(dialect: DialectName): string[] {
  switch (dialect) {
    case 'sqlite':
      return sqlite();
    case 'postgres':
      return postgres();
    case 'mysql':
      return mysql();
  }
}
