/** The access checker as a library: in-memory index, the shared rule, and database sync. */
export type {
  AccessChange,
  AccessChecker,
  AccessCheckerOptions,
  AccessQuery,
  AccessSnapshot,
  SnapshotFramework,
  SnapshotGrant,
  SnapshotIncident,
  SnapshotModel,
  SnapshotOrg,
  SnapshotVersion,
} from './checker.js';
export { createAccessChecker } from './checker.js';
export type { AccessKind, AccessRule, GrantState, OrgState, TierTable, VersionState } from './rules.js';
export { decideAccess, effectiveTier, prepareVersion, tierTable } from './rules.js';
export type { AccessSync, AccessSyncOptions } from './sync.js';
export { loadAccessSnapshot, startAccessSync } from './sync.js';
