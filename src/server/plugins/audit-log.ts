import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { type GraphQLSchema, Kind } from "graphql";
import type { Context } from "../../context.js";
import { primaryDatabase } from "../../db/read-replicas.js";
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from "../../db/unavailable.js";
import { ErrorCode } from "../../lib/errors.js";
import { currentRequestScope, withRequestScope } from "../../lib/request-scope.js";
import { startAuditEntry } from "../../modules/access/access.audit.js";
import { finishAuditEntry } from "../../modules/access/access.repository.js";
import { logger } from "../logger.js";
import { coerceVariables } from "../variables.js";

/**
 * The variables' size as JSON; 0 when they cannot be written as JSON (nested past the stack: the HTTP handler refuses
 * those first, so only a caller of executeOperation could send them), rather than failing the mutation.
 */
function variablesBytes(variables: Record<string, unknown> | undefined): number {
  try {
    return Buffer.byteLength(JSON.stringify(variables ?? {}), "utf8");
  } catch {
    return 0;
  }
}

/**
 * Every mutation request that reaches execution leaves an audit_log row: who, when, which
 * operation and root fields, how many bytes of input, and the outcome (OK, or the first error's
 * code: FORBIDDEN, BAD_USER_INPUT…). Requests refused before execution (limits, allowlist,
 * variables that do not coerce) cannot change anything and are not logged.
 *
 * The row is written before the mutation runs, and the audit fails closed: when it cannot be
 * written the mutation is refused (AUDIT_LOG_UNAVAILABLE, HTTP 503) and nothing changes. The row is
 * outside the mutation's transaction, so failed mutations are logged too. Completing the row is
 * best effort (logged when it fails): the change has happened by then and the PENDING row already
 * says who asked for it; rows left PENDING are closed as ABANDONED later (access.audit.ts,
 * scheduleAbandonedAuditSweep).
 */
export function auditLogPlugin(schema: GraphQLSchema): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let entry: number | null = null;
      return {
        async responseForOperation({ operation, operationName, source, request, contextValue }) {
          // Apollo calls this hook even when no operation resolved (an unknown operationName): execution reports that.
          if (operation?.operation !== "mutation") return null;
          if (coerceVariables(schema, operation, request.variables).errors !== undefined) return null;
          const fields = operation.selectionSet.selections.flatMap((selection) => (selection.kind === Kind.FIELD ? [selection.name.value] : []));
          const inputBytes = Buffer.byteLength(source, "utf8") + variablesBytes(request.variables);
          try {
            // On the primary whatever the request reads from: a replica is read-only.
            entry = await startAuditEntry(primaryDatabase(contextValue.database).db, {
              requestId: contextValue.requestId,
              viewer: contextValue.viewer,
              operationName,
              fields,
              inputBytes,
            });
            return null;
          } catch (error) {
            logger.error("audit log write failed: mutation refused", error);
            // With the database away the mutation could not have run either: the client is told to retry.
            const unavailable = isDatabaseUnavailable(error);
            const message = unavailable
              ? `The database cannot be reached right now, so this mutation was not run. Retry after ${RETRY_AFTER_SECONDS} s.`
              : "The audit log could not record this mutation, so it was not run. Retry later.";
            const extensions = unavailable ? { code: ErrorCode.DATABASE_UNAVAILABLE, retryAfterSeconds: RETRY_AFTER_SECONDS } : { code: ErrorCode.AUDIT_LOG_UNAVAILABLE };
            return {
              http: { status: 503, headers: new HeaderMap() },
              body: { kind: "single", singleResult: { errors: [{ message, extensions }] } },
            };
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (entry === null) return;
          const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
          const outcome = errors === undefined || errors.length === 0 ? "OK" : String(errors[0]!.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR);
          const id = entry;
          const finish = () => finishAuditEntry(primaryDatabase(contextValue.database).db, id, outcome);
          // Past the request's deadline no statement may start in its scope; recording the outcome still must.
          const scope = currentRequestScope();
          const recorded = scope?.expired === true ? withRequestScope({ requestId: scope.requestId, statements: 0 }, finish) : finish();
          await recorded.catch((error: unknown) => logger.error("audit log completion failed", error, { auditId: id }));
        },
      };
    },
  };
}
