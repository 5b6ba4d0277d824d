/**
 * What the HTTP server needs from the workflow (src/workflow): exactly the methods it calls. The real
 * `createWorkflow(store)` satisfies it structurally; tests may pass a partial stand-in.
 */
import type { Determination } from '../core/determination/types.js';
import type {
  AccessAnswer,
  Actor,
  AppealView,
  DecisionInput,
  DecisionView,
  ModelView,
  Page,
  Person,
  SubmissionSummaryView,
  SubmissionView,
} from '../workflow/types.js';

type Awaitable<T> = T | Promise<T>;

export interface ServerWorkflow {
  authenticate(secret: string): Awaitable<Person>;
  bootstrapAdmin(secret: string): Awaitable<unknown>;
  publishFramework(
    actor: Actor,
    text: string,
    format: 'yaml' | 'json',
  ): Awaitable<{ id: string; version: string; digest: string; log_index?: number }>;
  listFrameworks(): Awaitable<unknown>;
  getFramework(id: string, version: string): Awaitable<unknown>;
  createOrg(
    actor: Actor,
    org: { id: string; name: string; jurisdiction: string; verified: boolean },
  ): Awaitable<unknown>;
  listOrgs(actor: Actor): Awaitable<unknown>;
  createPerson(
    actor: Actor,
    person: { id: string; name: string; role: Person['role']; org?: string | null },
  ): Awaitable<{ id: string; role: string; org: string | null; token: string }>;
  issueToken(
    actor: Actor,
    input: { person: string; expires_at?: string },
  ): Awaitable<{ id: string; token: string }>;
  revokeToken(actor: Actor, id: string): Awaitable<unknown>;
  deactivatePerson(actor: Actor, id: string): Awaitable<unknown>;
  preassess(input: {
    framework: { id: string; version: string };
    evidence: unknown;
    tier?: string;
  }): Awaitable<Determination>;
  submit(
    actor: Actor,
    body: { framework: { id: string; version: string }; evidence: unknown; tier?: string },
    idempotencyKey?: string,
  ): Awaitable<{ status: number; body: SubmissionView }>;
  getSubmission(actor: Actor, id: string): Awaitable<SubmissionView>;
  listSubmissions(
    actor: Actor,
    query: { limit: number; cursor?: string; status?: string; model?: string },
  ): Awaitable<Page<SubmissionSummaryView>>;
  addEvidence(actor: Actor, id: string, evidence: unknown): Awaitable<unknown>;
  withdrawSubmission(actor: Actor, id: string, reason?: string): Awaitable<unknown>;
  proposeDecision(
    actor: Actor,
    review: { kind: 'submission' | 'appeal'; id: string },
    input: DecisionInput,
  ): Awaitable<DecisionView>;
  signDecision(actor: Actor, decisionId: string): Awaitable<DecisionView>;
  fileAppeal(
    actor: Actor,
    submissionId: string,
    input: { reasons: string; evidence?: unknown },
  ): Awaitable<AppealView>;
  openRereview(actor: Actor, modelId: string, reason: string): Awaitable<unknown>;
  withdrawModel(
    actor: Actor,
    modelId: string,
    input: { version?: string; reason: string },
  ): Awaitable<unknown>;
  reportIncident(
    actor: Actor,
    input: { model: string; class: string; description: string; discovered_at: string; evidence?: string[] },
  ): Awaitable<unknown>;
  classifyIncident(actor: Actor, id: string, cls: string): Awaitable<unknown>;
  dismissIncident(actor: Actor, id: string, reason: string): Awaitable<unknown>;
  resolveIncident(actor: Actor, id: string, reason: string): Awaitable<unknown>;
  createGrant(
    actor: Actor,
    input: { model: string; org: string; tier: string; expires_at?: string; reason: string },
  ): Awaitable<unknown>;
  createGrants(
    actor: Actor,
    input: { model: string; orgs: string[]; tier: string; expires_at?: string; reason: string },
  ): Awaitable<unknown>;
  revokeGrant(actor: Actor, id: string): Awaitable<unknown>;
  getModel(actor: Actor, id: string): Awaitable<ModelView>;
  listModels(actor: Actor, query: { limit: number; cursor?: string; q?: string }): Awaitable<Page<unknown>>;
  checkAccess(input: { model: string; org: string; version?: string }): Awaitable<AccessAnswer>;
  statistics(): Awaitable<unknown>;
  /** What a cached public answer is valid for (see RouteDef.cache); absent: nothing is cached. */
  readStamp?(subject: 'registry' | { submission: string }): Awaitable<string>;
  sweep(): Awaitable<number>;
}
