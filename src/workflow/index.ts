/**
 * The workflow: domain operations over the store, called by the HTTP server, the CLI admin, MCP and the demo.
 * Every state change, its events and their log entries are written in one transaction.
 */
import type { Determination } from '../core/determination/types.js';
import type { Store } from '../store/db.js';
import { type AccessQuery, checkAccess } from './access.js';
import * as admin from './admin.js';
import { fileAppeal } from './appeals.js';
import { createContext } from './context.js';
import { proposeDecision, signDecision } from './decisions.js';
import { type DeterminePool, sharedDeterminePool } from './determine-pool.js';
import * as frameworks from './frameworks.js';
import { createGrant, createGrants, type GrantInput, revokeGrant } from './grants.js';
import {
  classifyIncident,
  dismissIncident,
  type IncidentInput,
  reportIncident,
  resolveIncident,
} from './incidents.js';
import { createReadStamps, type ReadSubject } from './read-stamp.js';
import { getModel, listModels, type OpenClock, type RegistryRow } from './registry.js';
import { type Statistics, statistics } from './statistics.js';
import * as subs from './submissions.js';
import { sweep } from './sweeper.js';
import type {
  AccessAnswer,
  Actor,
  AppealView,
  DecisionInput,
  DecisionView,
  GrantView,
  IncidentView,
  ModelView,
  Page,
  Person,
  SubmissionSummaryView,
  SubmissionView,
} from './types.js';

export type { OrgInput, OrgView, PersonInput } from './admin.js';
export { addDuration } from './clock.js';
export type { FrameworkDetail, FrameworkSummary } from './frameworks.js';
export { authorize, can, POLICY } from './policy.js';
export type { ReadSubject } from './read-stamp.js';
export type { SubmissionInput } from './submissions.js';
export * from './types.js';
export type { AccessQuery, GrantInput, IncidentInput, OpenClock, RegistryRow, Statistics };

export interface Workflow {
  authenticate(secret: string): Promise<Person>;
  bootstrapAdmin(secret: string): Promise<Person | null>;
  publishFramework(
    actor: Actor,
    text: string,
    format: 'yaml' | 'json',
  ): Promise<{ id: string; version: string; digest: string; log_index: number; created: boolean }>;
  listFrameworks(): Promise<frameworks.FrameworkSummary[]>;
  getFramework(id: string, version: string): Promise<frameworks.FrameworkDetail>;
  createOrg(actor: Actor, input: admin.OrgInput): Promise<admin.OrgView>;
  listOrgs(actor: Actor): Promise<admin.OrgView[]>;
  createPerson(actor: Actor, input: admin.PersonInput): ReturnType<typeof admin.createPerson>;
  issueToken(
    actor: Actor,
    input: { person: string; expires_at?: string | null },
  ): ReturnType<typeof admin.issueToken>;
  revokeToken(actor: Actor, id: string): ReturnType<typeof admin.revokeToken>;
  deactivatePerson(actor: Actor, id: string): ReturnType<typeof admin.deactivatePerson>;
  preassess(input: subs.SubmissionInput): Promise<Determination>;
  submit(
    actor: Actor,
    input: subs.SubmissionInput,
    idempotencyKey?: string,
  ): Promise<{ status: 201 | 200; body: SubmissionView }>;
  getSubmission(actor: Actor, id: string): Promise<SubmissionView>;
  listSubmissions(
    actor: Actor,
    opts?: { limit?: number; cursor?: string | null; status?: string; model?: string },
  ): Promise<Page<SubmissionSummaryView>>;
  addEvidence(actor: Actor, id: string, evidence: unknown): Promise<SubmissionView>;
  withdrawSubmission(actor: Actor, id: string, reason?: string): Promise<SubmissionView>;
  proposeDecision(
    actor: Actor,
    review: { kind: 'submission' | 'appeal'; id: string },
    input: DecisionInput,
  ): Promise<DecisionView>;
  signDecision(actor: Actor, decisionId: string): Promise<DecisionView>;
  fileAppeal(
    actor: Actor,
    submissionId: string,
    input: { reasons: string; evidence?: unknown },
  ): Promise<AppealView>;
  openRereview(actor: Actor, modelId: string, reason: string): Promise<SubmissionView>;
  withdrawModel(
    actor: Actor,
    modelId: string,
    input: { version?: string; reason: string },
  ): Promise<{ model: string; versions: string[]; log_index: number }>;
  reportIncident(actor: Actor, input: IncidentInput): Promise<IncidentView>;
  classifyIncident(actor: Actor, id: string, cls: string): Promise<IncidentView>;
  dismissIncident(actor: Actor, id: string, reason: string): Promise<IncidentView>;
  resolveIncident(actor: Actor, id: string, reason: string): Promise<IncidentView>;
  createGrant(actor: Actor, input: GrantInput & { org: string }): Promise<GrantView>;
  createGrants(actor: Actor, input: GrantInput & { orgs: string[] }): Promise<GrantView[]>;
  revokeGrant(actor: Actor, id: string): Promise<GrantView>;
  getModel(actor: Actor, id: string): Promise<ModelView & { open_clocks: OpenClock[] }>;
  listModels(
    actor: Actor,
    opts?: { limit?: number; cursor?: string | null; q?: string },
  ): Promise<Page<RegistryRow>>;
  checkAccess(query: AccessQuery): Promise<AccessAnswer>;
  statistics(): Promise<Statistics>;
  /** A stamp that changes whenever the public's answer about `subject` may (./read-stamp.ts). */
  readStamp(subject: ReadSubject): Promise<string>;
  /** Applies every due lapse once; returns how many clocks fired. */
  sweep(): Promise<number>;
}

export interface WorkflowOptions {
  now?: () => Date;
  /** Where large determinations run: default the process's shared worker pool (./determine-pool.ts). */
  determinePool?: DeterminePool | null;
}

export function createWorkflow(store: Store, options: WorkflowOptions = {}): Workflow {
  const pool = options.determinePool;
  const ctx = createContext(
    store,
    options.now ?? (() => new Date()),
    pool === undefined ? sharedDeterminePool : () => pool,
  );
  return {
    authenticate: (secret) => admin.authenticate(ctx, secret),
    bootstrapAdmin: (secret) => admin.bootstrapAdmin(ctx, secret),
    publishFramework: (actor, text, format) => frameworks.publishFramework(ctx, actor, text, format),
    listFrameworks: () => frameworks.listFrameworks(ctx),
    getFramework: (id, version) => frameworks.getFramework(ctx, id, version),
    createOrg: (actor, input) => admin.createOrg(ctx, actor, input),
    listOrgs: (actor) => admin.listOrgs(ctx, actor),
    createPerson: (actor, input) => admin.createPerson(ctx, actor, input),
    issueToken: (actor, input) => admin.issueToken(ctx, actor, input),
    revokeToken: (actor, id) => admin.revokeToken(ctx, actor, id),
    deactivatePerson: (actor, id) => admin.deactivatePerson(ctx, actor, id),
    preassess: (input) => subs.preassess(ctx, input),
    submit: (actor, input, key) => subs.submit(ctx, actor, input, key),
    getSubmission: (actor, id) => subs.getSubmission(ctx, actor, id),
    listSubmissions: (actor, opts) => subs.listSubmissions(ctx, actor, opts),
    addEvidence: (actor, id, evidence) => subs.addEvidence(ctx, actor, id, evidence),
    withdrawSubmission: (actor, id, reason) => subs.withdrawSubmission(ctx, actor, id, reason),
    proposeDecision: (actor, review, input) => proposeDecision(ctx, actor, review, input),
    signDecision: (actor, id) => signDecision(ctx, actor, id),
    fileAppeal: (actor, id, input) => fileAppeal(ctx, actor, id, input),
    openRereview: (actor, id, reason) => subs.openRereview(ctx, actor, id, reason),
    withdrawModel: (actor, id, input) => subs.withdrawModel(ctx, actor, id, input),
    reportIncident: (actor, input) => reportIncident(ctx, actor, input),
    classifyIncident: (actor, id, cls) => classifyIncident(ctx, actor, id, cls),
    dismissIncident: (actor, id, reason) => dismissIncident(ctx, actor, id, reason),
    resolveIncident: (actor, id, reason) => resolveIncident(ctx, actor, id, reason),
    createGrant: (actor, input) => createGrant(ctx, actor, input),
    createGrants: (actor, input) => createGrants(ctx, actor, input),
    revokeGrant: (actor, id) => revokeGrant(ctx, actor, id),
    getModel: (actor, id) => getModel(ctx, actor, id),
    listModels: (actor, opts) => listModels(ctx, actor, opts),
    checkAccess: (query) => checkAccess(ctx, query),
    statistics: () => statistics(ctx),
    readStamp: createReadStamps(ctx),
    sweep: () => sweep(ctx),
  };
}
