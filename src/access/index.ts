/** The access checker as a library: in-memory index, the shared rule, and database sync. */

export type { AccessTouched } from './changes.js';
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
export {
  decideAccess,
  decideByGrants,
  decideForOrg,
  effectiveTier,
  prepareVersion,
  tierTable,
} from './rules.js';
export type { AccessDelta, AccessSync, AccessSyncOptions } from './sync.js';
export { loadAccessChanges, loadAccessSnapshot, startAccessSync } from './sync.js';
