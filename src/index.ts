/** The package's library entry (`import { createAccessChecker } from 'greenlight'`). */
export type {
  AccessChange,
  AccessChecker,
  AccessCheckerOptions,
  AccessKind,
  AccessQuery,
  AccessRule,
  AccessSnapshot,
  AccessSync,
  AccessSyncOptions,
  SnapshotFramework,
  SnapshotGrant,
  SnapshotIncident,
  SnapshotModel,
  SnapshotOrg,
  SnapshotVersion,
} from './access/index.js';
export { createAccessChecker, decideAccess, loadAccessSnapshot, startAccessSync } from './access/index.js';
export type { AccessAnswer } from './workflow/types.js';
