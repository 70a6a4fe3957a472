/**
 * Which variant of the pickup and review panels a key gets, asked once per key (both panels share the answer):
 * quarterlyReview, behind the utilisation figures and the review, is for ANALYST or ADMIN and refuses a viewer limited
 * to a postal circle, so those keys are never sent it (a VIEWER sees no FORBIDDEN error, and no empty panel).
 */
import { DashboardPanelScopeDocument } from "../generated/operations.js";
import { request } from "./graph.js";

/** quarterlyReview's "Visible to". */
const REVIEW_ROLES: ReadonlySet<string> = new Set(["ANALYST", "ADMIN"]);

export interface PanelScope {
  /** True when the key may read quarterlyReview: ANALYST or ADMIN, not limited to a circle. */
  readonly readsReview: boolean;
  /** The postal circle the key is limited to; null when not limited. */
  readonly circle: string | null;
}

const scopes = new Map<string, Promise<PanelScope>>();

export function panelScope(apiKey: string): Promise<PanelScope> {
  let scope = scopes.get(apiKey);
  if (scope === undefined) {
    scope = request(apiKey, DashboardPanelScopeDocument, {}).then(({ viewer }) => ({
      readsReview: viewer.circle === null && viewer.roles.some((role) => REVIEW_ROLES.has(role)),
      circle: viewer.circle,
    }));
    // A failed answer is not kept: the next sign-in asks again.
    scope.catch(() => scopes.delete(apiKey));
    scopes.set(apiKey, scope);
  }
  return scope;
}
