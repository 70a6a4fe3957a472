/**
 * The dakgraph command's exit codes, for scripts and schedulers (README "The `dakgraph` command", and
 * `dakgraph --help`). 0: done; 1: failed (bad configuration, unreadable file, database error); 2: an import
 * finished and loaded its good rows but rejected some, so whoever runs it nightly notices.
 */
export const EXIT_FAILED = 1;
export const EXIT_ROWS_REJECTED = 2;

export const EXIT_CODES_HELP = `
Exit codes:
  0  done
  ${EXIT_FAILED}  failed: bad configuration, an unreadable file, a database error, migrations pending
  ${EXIT_ROWS_REJECTED}  an import (post-offices, shipments, serviceability) loaded its good rows and rejected some`;

/** Sets the exit code of an import that rejected `rejected` rows (its other rows are stored). */
export function exitForRejects(rejected: number): void {
  if (rejected > 0 && (process.exitCode === undefined || process.exitCode === 0)) process.exitCode = EXIT_ROWS_REJECTED;
}
