import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { accessChanges } from './migrations/0006_access_changes.js';

/**
 * Forward-only migrations, in code so the same list runs on SQLite and PostgreSQL. Never edit a shipped
 * migration; add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orgs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('verified', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('people')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('org_id', 'text', (c) => c.references('orgs.id'))
        .addColumn('active', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'text')
        .addColumn('revoked_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('frameworks')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('effective', 'text', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('published_at', 'text', (c) => c.notNull())
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('frameworks_pk', ['id', 'version'])
        .execute();
      await db.schema
        .createTable('models')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('model_versions')
        .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('withdrawn_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('model_versions_pk', ['model_id', 'version'])
        .execute();
      await db.schema
        .createTable('submissions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('framework_id', 'text', (c) => c.notNull())
        .addColumn('framework_version', 'text', (c) => c.notNull())
        .addColumn('requested_tier', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text', (c) => c.notNull())
        .addColumn('determination', 'text', (c) => c.notNull())
        .addColumn('determination_digest', 'text', (c) => c.notNull())
        .addColumn('evidence_digest', 'text', (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('granted_tier', 'text', (c) => c.notNull())
        .addColumn('decision_due', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('concluded_at', 'text')
        .addColumn('approved_tier', 'text')
        .addColumn('conditions', 'text')
        .addColumn('submitted_by', 'text')
        .addColumn('reason', 'text')
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('submissions_model')
        .on('submissions')
        .columns(['model_id', 'version'])
        .execute();
      await db.schema
        .createIndex('submissions_due')
        .on('submissions')
        .columns(['status', 'decision_due'])
        .execute();
      await db.schema
        .createTable('appeals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('submission_id', 'text', (c) => c.notNull().references('submissions.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reasons', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text')
        .addColumn('determination', 'text')
        .addColumn('decision_due', 'text', (c) => c.notNull())
        .addColumn('filed_at', 'text', (c) => c.notNull())
        .addColumn('filed_by', 'text', (c) => c.notNull())
        .addColumn('concluded_at', 'text')
        .addColumn('result', 'text')
        .addColumn('approved_tier', 'text')
        .addColumn('log_index', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('appeals_due').on('appeals').columns(['status', 'decision_due']).execute();
      await db.schema
        .createTable('decisions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('review_kind', 'text', (c) => c.notNull())
        .addColumn('review_id', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('tier', 'text')
        .addColumn('conditions', 'text')
        .addColumn('rationale', 'text', (c) => c.notNull())
        .addColumn('justification', 'text')
        .addColumn('override', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('proposed_by', 'text', (c) => c.notNull())
        .addColumn('proposed_at', 'text', (c) => c.notNull())
        .addColumn('effective_at', 'text')
        .execute();
      await db.schema
        .createIndex('decisions_review')
        .on('decisions')
        .columns(['review_kind', 'review_id'])
        .execute();
      await db.schema
        .createTable('signatures')
        .addColumn('decision_id', 'text', (c) => c.notNull().references('decisions.id'))
        .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
        .addColumn('signed_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('signatures_pk', ['decision_id', 'person_id'])
        .execute();
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
        .addColumn('version', 'text')
        .addColumn('class', 'text', (c) => c.notNull())
        .addColumn('reported_class', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('description_digest', 'text', (c) => c.notNull())
        .addColumn('evidence', 'text')
        .addColumn('discovered_at', 'text', (c) => c.notNull())
        .addColumn('reported_at', 'text', (c) => c.notNull())
        .addColumn('reported_by', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('late', 'integer', (c) => c.notNull())
        .addColumn('max_tier', 'text')
        .addColumn('rereview_id', 'text')
        .addColumn('resolution', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('incidents_model')
        .on('incidents')
        .columns(['model_id', 'status'])
        .execute();
      await db.schema
        .createTable('grants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('model_id', 'text', (c) => c.notNull().references('models.id'))
        .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('granted_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('revoked_at', 'text')
        .execute();
      await db.schema.createIndex('grants_model_org').on('grants').columns(['model_id', 'org_id']).execute();
      await db.schema
        .createTable('events')
        .addColumn('log_index', 'bigint', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('submission_id', 'text')
        .addColumn('appeal_id', 'text')
        .addColumn('model_id', 'text')
        .addColumn('incident_id', 'text')
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('events_submission').on('events').column('submission_id').execute();
      await db.schema.createIndex('events_model').on('events').column('model_id').execute();
      await db.schema
        .createTable('log_entries')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('entry', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('next_index', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('log_state').values({ id: 1, next_index: 0 }).execute();
      await db.schema
        .createTable('idempotency')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('person_id', 'text', (c) => c.notNull())
        .addColumn('body_digest', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_pk', ['person_id', 'key'])
        .execute();
      await db.schema
        .createTable('change_counter')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('change_counter').values({ id: 1, value: 0 }).execute();
      await sql`select 1`.execute(db);
    },
  },
  '0002_workflow_state': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
    async up(db: Kysely<any>) {
      // One column per statement: SQLite's ALTER TABLE adds one column at a time.
      await db.schema.alterTable('models').addColumn('current_version', 'text').execute();
      for (const column of [
        'conclusion',
        'approved_tier',
        'governing_ref',
        'conditions',
        'framework_id',
        'framework_version',
        'concluded_at',
      ]) {
        await db.schema.alterTable('model_versions').addColumn(column, 'text').execute();
      }
      await db.schema.alterTable('decisions').addColumn('log_index', 'bigint').execute();
      await db.schema.alterTable('incidents').addColumn('log_index', 'bigint').execute();
      await db.schema.alterTable('grants').addColumn('log_index', 'bigint').execute();
      await db.schema.createIndex('appeals_submission').on('appeals').column('submission_id').execute();
      await db.schema.createIndex('events_appeal').on('events').column('appeal_id').execute();
    },
  },
  '0003_log_integration': {
    // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
    async up(db: Kysely<any>) {
      // Binary data (tiles, bundles, hashes) is stored as base64 text: one portable type on SQLite and PostgreSQL.
      await db.schema
        .createTable('log_config')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('signer_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_tiles')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', 'bigint', (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('log_tiles_pk', ['level', 'idx'])
        .execute();
      await db.schema
        .createTable('log_bundles')
        .addColumn('idx', 'bigint', (c) => c.primaryKey())
        .addColumn('width', 'integer', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_integrated')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('compact_range', 'text', (c) => c.notNull())
        .addColumn('root', 'text', (c) => c.notNull())
        .execute();
      await db
        .insertInto('log_integrated')
        .values({ id: 1, size: 0, compact_range: '[]', root: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' })
        .execute();
      await db.schema
        .createTable('log_checkpoints')
        .addColumn('size', 'bigint', (c) => c.primaryKey())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('at', 'text', (c) => c.notNull())
        .execute();
    },
  },
  '0004_read_indexes': {
    // Indexes for the API's hot reads (bench/api): the submission list in its `received_at desc, id desc` order
    // (unfiltered, by status, by model) and a submission's latest event (the view cache's validation query).
    // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('submissions_received')
        .on('submissions')
        .columns(['received_at', 'id'])
        .execute();
      await db.schema
        .createIndex('submissions_status_received')
        .on('submissions')
        .columns(['status', 'received_at', 'id'])
        .execute();
      await db.schema
        .createIndex('submissions_model_received')
        .on('submissions')
        .columns(['model_id', 'received_at', 'id'])
        .execute();
      await db.schema
        .createIndex('events_submission_log')
        .on('events')
        .columns(['submission_id', 'log_index'])
        .execute();
    },
  },
  '0006_access_changes': accessChanges,
};

class InCodeProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}

/** Runs every pending migration; refuses to run against a database migrated by a newer version. */
// biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<void> {
  // With several schemas on one PostgreSQL server, Kysely's table introspection would otherwise see another
  // schema's migration table and skip creating its own.
  const migrator = new Migrator({
    db,
    provider: new InCodeProvider(),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(
      `database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        cause: error,
      },
    );
  }
}
