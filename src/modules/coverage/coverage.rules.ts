/**
 * Who may read a PIN's coverage: the one rule Pincode.coverage and Query.coverageMap both apply, so the map never
 * shows a circle-scoped key a class the PIN's own coverage field would refuse it.
 */

/**
 * True when a viewer with circle scope `scope` (circleScope(viewer): null for an unscoped viewer or an ADMIN) may
 * read the coverage of a PIN whose derived primary circle is `circle` (its name, null when the PIN has none).
 * Circle names compare without regard to case, as the keys' circle is typed by people. A PIN with no primary circle
 * is outside every circle.
 */
export function coverageReadableInScope(scope: string | null, circle: string | null): boolean {
  if (scope === null) return true;
  return circle !== null && circle.toLowerCase() === scope.toLowerCase();
}
