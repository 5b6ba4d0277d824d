/** Publishing and reading frameworks (service.md routes /v1/frameworks). */
import { parseFramework } from '../core/framework/index.js';
import type { Framework } from '../core/framework/types.js';
import { asInvalid, type Ctx, isUniqueViolation, type Queryable } from './context.js';
import { recordEvent } from './events.js';
import { actorString, authorize } from './policy.js';
import { type Actor, type FrameworkDetail, type FrameworkSummary, ServiceError } from './types.js';

export type { FrameworkDetail, FrameworkSummary };

export async function publishFramework(
  ctx: Ctx,
  actor: Actor,
  text: string,
  format: 'yaml' | 'json',
): Promise<{ id: string; version: string; digest: string; log_index: number; created: boolean }> {
  authorize(actor, 'framework.publish');
  if (format !== 'yaml' && format !== 'json')
    throw new ServiceError('bad_request', 'format must be yaml or json');
  let fw: Framework;
  try {
    fw = parseFramework(text, { format });
  } catch (e) {
    asInvalid(e, '');
  }
  const at = ctx.now().toISOString();
  const attempt = () =>
    ctx.write(async (tx) => {
      const existing = await tx
        .selectFrom('frameworks')
        .select(['digest', 'log_index'])
        .where('id', '=', fw.id)
        .where('version', '=', fw.version)
        .executeTakeFirst();
      if (existing) {
        if (existing.digest !== fw.digest) {
          throw new ServiceError(
            'conflict',
            `framework ${fw.id} ${fw.version} is already published with other content`,
          );
        }
        return {
          id: fw.id,
          version: fw.version,
          digest: fw.digest,
          log_index: existing.log_index,
          created: false,
        };
      }
      const log_index = await recordEvent(tx, {
        type: 'framework.published',
        at,
        actor: actorString(actor),
        subject: { framework: fw.id, version: fw.version },
        data: { digest: fw.digest, effective: fw.effective },
      });
      await tx
        .insertInto('frameworks')
        .values({
          id: fw.id,
          version: fw.version,
          digest: fw.digest,
          effective: fw.effective,
          document: JSON.stringify(fw.document),
          source: text,
          published_at: at,
          log_index,
        })
        .execute();
      return { id: fw.id, version: fw.version, digest: fw.digest, log_index, created: true };
    });
  try {
    return await attempt();
  } catch (e) {
    if (isUniqueViolation(e)) return attempt();
    throw e;
  }
}

type Row = {
  id: string;
  version: string;
  digest: string;
  effective: string;
  document: string;
  published_at: string;
  log_index: number;
};

function supersededBy(row: Row, all: Row[]): string | null {
  const newer = all
    .filter((r) => r.id === row.id && r.version !== row.version && r.effective > row.effective)
    .sort((a, b) => (a.effective < b.effective ? 1 : a.effective > b.effective ? -1 : 0));
  return newer[0]?.version ?? null;
}

function summary(row: Row, all: Row[]): FrameworkSummary {
  const doc = JSON.parse(row.document) as { title?: string; publisher?: string };
  return {
    id: row.id,
    version: row.version,
    digest: row.digest,
    effective: row.effective,
    title: doc.title ?? '',
    publisher: doc.publisher ?? '',
    published_at: row.published_at,
    log_index: row.log_index,
    superseded_by: supersededBy(row, all),
  };
}

async function rowsOf(q: Queryable, id?: string): Promise<Row[]> {
  let query = q
    .selectFrom('frameworks')
    .select(['id', 'version', 'digest', 'effective', 'document', 'published_at', 'log_index'])
    .orderBy('id')
    .orderBy('effective')
    .orderBy('version');
  if (id !== undefined) query = query.where('id', '=', id);
  return query.execute();
}

/** The versions of framework `id` in `rowsOf` order, without their documents (on every submission). */
async function versionsOf(q: Queryable, id: string): Promise<{ version: string; effective: string }[]> {
  return q
    .selectFrom('frameworks')
    .select(['version', 'effective'])
    .where('id', '=', id)
    .orderBy('id')
    .orderBy('effective')
    .orderBy('version')
    .execute();
}

export async function listFrameworks(ctx: Ctx): Promise<FrameworkSummary[]> {
  const rows = await rowsOf(ctx.store.db);
  return rows.map((r) => summary(r, rows));
}

export async function getFramework(ctx: Ctx, id: string, version: string): Promise<FrameworkDetail> {
  const rows = await rowsOf(ctx.store.db, id);
  const row = rows.find((r) => r.version === version);
  if (!row) throw new ServiceError('not_found', 'framework not found');
  const src = await ctx.store.db
    .selectFrom('frameworks')
    .select('source')
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirstOrThrow();
  return { ...summary(row, rows), document: JSON.parse(row.document), source: src.source };
}

/**
 * The version that new submissions under `id` should use instead of `version`, if any: a newer version by
 * `effective` whose effective date has arrived.
 */
export async function supersedingVersion(
  q: Queryable,
  id: string,
  version: string,
  today: string,
): Promise<string | null> {
  const rows = await versionsOf(q, id);
  const row = rows.find((r) => r.version === version);
  if (!row) return null;
  const newer = rows.filter(
    (r) => r.version !== version && r.effective > row.effective && r.effective <= today,
  );
  return newer.at(-1)?.version ?? null;
}

/** The newest version of framework `id` in force on `today` (for re-reviews), else `fallback`. */
export async function currentVersionOf(
  q: Queryable,
  id: string,
  fallback: string,
  today: string,
): Promise<string> {
  const rows = (await versionsOf(q, id)).filter((r) => r.effective <= today);
  return rows.at(-1)?.version ?? fallback;
}
