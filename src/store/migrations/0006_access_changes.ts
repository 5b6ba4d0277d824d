import type { Kysely, Migration } from 'kysely';

/**
 * 0006: the access change log. Every transaction that bumps `change_counter` and knows what it touched records,
 * under the counter's new value, the ids it touched (JSON `{models?, grants?, incidents?, orgs?}`); the access
 * sync (src/access/sync.ts) applies just those instead of reloading everything, and reloads everything when the
 * rows since its last counter do not cover every value (a bump that recorded nothing, or rows pruned). Writers
 * prune rows far behind the counter (src/access/changes.ts).
 */
export const accessChanges: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations address the schema as it was then, not today's type
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('access_changes')
      .addColumn('counter', 'bigint', (c) => c.primaryKey())
      .addColumn('changes', 'text', (c) => c.notNull())
      .execute();
  },
};
