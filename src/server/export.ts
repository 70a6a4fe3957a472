import { type ApolloServer, HeaderMap } from "@apollo/server";
import {
  type FieldNode,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLOutputType,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import type { Config } from "../config.js";
import { type Context, createContext } from "../context.js";
import type { Database } from "../db/client.js";
import { ErrorCode } from "../lib/errors.js";
import { type OperationFacts, type RequestScope, withRequestScope } from "../lib/request-scope.js";
import type { Viewer } from "../modules/access/access.viewer.js";
import { servedGraph } from "./apollo.js";
import type { RegisteredOperation } from "./operation-registry.js";

/*
 * CSV export of a registered operation (GET /export, `dakgraph export`). The operation is run as it is
 * registered, through Apollo Server's own pipeline (executeOperation), page after page: every plugin (access,
 * allowlist, limits, audit, observation) sees each page as it sees a /graphql request, so an export can read
 * nothing its caller could not read there. Nothing is rewritten: a connection is paged through the operation's
 * own `first`/`after` variables, so the operation must declare them and select `pageInfo { hasNextPage endCursor }`.
 */

export const EXPORT_PATH = "/export";

/** The HTTP trailer that ends every export: `complete; rows=N` or `error; code=…; rows=N`. */
export const EXPORT_STATUS_TRAILER = "x-export-status";

/** UTF-8 byte order mark: spreadsheet programs read the file as UTF-8 only with it (office names carry non-ASCII). */
const BOM = "\uFEFF";

/** A column of the CSV: its dotted name and the response keys leading to its value in a row. */
export interface ExportColumn {
  readonly name: string;
  readonly path: readonly string[];
}

export interface ExportPlan {
  readonly operation: string;
  /** The root field's response key (its alias, if any). */
  readonly rootKey: string;
  /** "connection": paged through `first`/`after`; "list": one execution. */
  readonly kind: "connection" | "list";
  /** Within a connection, the response keys from the connection to a row: ["nodes"] or ["edges", "node"]. */
  readonly rowsPath: readonly string[];
  /** The variables the root field's `first` and `after` arguments take (connections only). */
  readonly firstVariable: string | null;
  readonly afterVariable: string | null;
  /** Response keys of `pageInfo`, `hasNextPage` and `endCursor` under the connection. */
  readonly pageInfoPath: readonly [string, string, string] | null;
  readonly columns: readonly ExportColumn[];
}

/** A refusal answered before any CSV byte: the HTTP status and the errors, as a GraphQL response carries them. */
export class ExportRefused extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly GraphQLFormattedError[],
  ) {
    super(errors.map((e) => `${String(e.extensions?.code ?? "ERROR")}: ${e.message}`).join("; "));
    this.name = "ExportRefused";
  }
}

function refused(status: number, code: ErrorCode, message: string, details: Record<string, unknown> = {}): ExportRefused {
  return new ExportRefused(status, [{ message, extensions: { code, ...details } }]);
}

function notExportable(operation: string, field: string, reason: string): ExportRefused {
  return refused(400, ErrorCode.NOT_EXPORTABLE, `${operation} cannot be exported: ${reason}`, { field, operation });
}

const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;

/** The fields of a selection set in selection order, fragments spread in place, each with the type it was selected on. */
function fieldsOf(
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, { typeName: string; selectionSet: SelectionSetNode }>,
): { field: FieldNode; parent: GraphQLCompositeType }[] {
  const out: { field: FieldNode; parent: GraphQLCompositeType }[] = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      out.push({ field: selection, parent: type });
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments.get(selection.name.value);
      if (fragment === undefined) continue;
      const condition =
        selection.kind === Kind.INLINE_FRAGMENT ? selection.typeCondition?.name.value : (fragment as { typeName: string }).typeName;
      const on = condition === undefined ? type : schema.getType(condition);
      if (on !== undefined && on !== null && isCompositeType(on)) out.push(...fieldsOf(fragment.selectionSet, on, schema, fragments));
    }
  }
  return out;
}

/** A field's declared type; null for __typename (a leaf on every type); undefined when the type has no such field. */
function fieldType(parent: GraphQLCompositeType, name: string): GraphQLOutputType | null | undefined {
  if (name === "__typename") return null;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name]?.type : undefined;
}

/** Whether a type, nullable or not, is a list. */
const isList = (type: GraphQLOutputType) => isListType(getNullableType(type));

/** The named type of field `name` of a composite type. */
function childType(parent: GraphQLCompositeType, name: string): GraphQLCompositeType {
  return getNamedType(fieldType(parent, name)!) as GraphQLCompositeType;
}

/**
 * The columns a row's selection makes: every leaf in selection order, dotted through nested objects
 * (`pickupLocation.code`, `codAmount.paise`). A list inside a row has no place in a flat file: refused, naming it.
 */
function columnsOf(
  operation: string,
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, { typeName: string; selectionSet: SelectionSetNode }>,
  prefix: readonly string[],
  where: string,
): ExportColumn[] {
  const columns: ExportColumn[] = [];
  for (const { field, parent } of fieldsOf(selectionSet, type, schema, fragments)) {
    const key = keyOf(field);
    const path = [...prefix, key];
    const at = `${where}.${key}`;
    const declared = fieldType(parent, field.name.value);
    if (declared === null) {
      columns.push({ name: path.join("."), path });
      continue;
    }
    if (declared === undefined) throw notExportable(operation, at, `${parent.name} has no field ${field.name.value}.`);
    if (isList(declared)) throw notExportable(operation, at, `${at} is a list inside a row; a CSV row holds one value per column. Export it with an operation of its own.`);
    const named = getNamedType(declared);
    if (isLeafType(named)) columns.push({ name: path.join("."), path });
    else if (field.selectionSet !== undefined) columns.push(...columnsOf(operation, field.selectionSet, named as GraphQLCompositeType, schema, fragments, path, at));
  }
  // The same response key selected twice is one value in GraphQL: one column.
  const seen = new Set<string>();
  return columns.filter((c) => !seen.has(c.name) && seen.add(c.name));
}

function variableOf(field: FieldNode, argument: string): string | null {
  const value: ValueNode | undefined = field.arguments?.find((a) => a.name.value === argument)?.value;
  return value?.kind === Kind.VARIABLE ? value.name.value : null;
}

/** The registered operation named `name`, or a 404 naming the parameter. */
export function findOperation(registry: ReadonlyMap<string, RegisteredOperation>, name: string | null): RegisteredOperation {
  if (name === null || name.trim() === "") {
    throw refused(400, ErrorCode.BAD_USER_INPUT, "Name the registered operation to export: ?operation=<name> (see `dakgraph operations`).", { field: "operation" });
  }
  for (const operation of registry.values()) if (operation.name === name) return operation;
  throw refused(404, ErrorCode.NOT_FOUND, `No registered operation is named ${JSON.stringify(name)}; \`dakgraph operations\` lists them.`, {
    field: "operation",
    value: name,
  });
}

/**
 * What to export from a registered operation: its single root field's rows (a connection's `nodes` or
 * `edges.node`, or the list itself) and their columns. Refuses, naming the field, what a flat file cannot hold.
 */
export function planExport(schema: GraphQLSchema, registered: RegisteredOperation): ExportPlan {
  const name = registered.name;
  const document = parse(registered.text);
  const fragments = new Map<string, { typeName: string; selectionSet: SelectionSetNode }>();
  let definition: OperationDefinitionNode | undefined;
  for (const d of document.definitions) {
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, { typeName: d.typeCondition.name.value, selectionSet: d.selectionSet });
    else if (d.kind === Kind.OPERATION_DEFINITION) definition = d;
  }
  if (definition === undefined || definition.operation !== "query") throw notExportable(name, "operation", "only queries are exported.");
  const queryType = schema.getQueryType()!;
  const roots = fieldsOf(definition.selectionSet, queryType, schema, fragments).filter(({ field }) => field.name.value !== "__typename");
  if (roots.length !== 1) throw notExportable(name, "operation", `it selects ${roots.length} root fields; an export reads exactly one.`);
  const root = roots[0]!.field;
  const rootKey = keyOf(root);
  const rootType = queryType.getFields()[root.name.value]?.type;
  if (rootType === undefined || root.selectionSet === undefined) throw notExportable(name, rootKey, `${rootKey} returns no rows.`);
  const named = getNamedType(rootType);
  if (!isCompositeType(named)) throw notExportable(name, rootKey, `${rootKey} returns a single value.`);
  if (isList(rootType)) {
    const columns = columnsOf(name, root.selectionSet, named, schema, fragments, [], rootKey);
    return { operation: name, rootKey, kind: "list", rowsPath: [], firstVariable: null, afterVariable: null, pageInfoPath: null, columns };
  }
  // A connection: an object whose `pageInfo` and `nodes` (or `edges { node }`) fields the schema defines.
  const connectionFields = isObjectType(named) ? named.getFields() : {};
  if (!("pageInfo" in connectionFields) || !("nodes" in connectionFields || "edges" in connectionFields)) {
    throw notExportable(name, rootKey, `${rootKey} is neither a list nor a connection.`);
  }
  const selected = fieldsOf(root.selectionSet, named, schema, fragments).map((s) => s.field);
  const nodes = selected.find((f) => f.name.value === "nodes");
  const edges = selected.find((f) => f.name.value === "edges");
  const edgeNode = edges?.selectionSet === undefined ? undefined : fieldsOf(edges.selectionSet, childType(named, "edges"), schema, fragments).find((s) => s.field.name.value === "node")?.field;
  const rowField = nodes ?? edgeNode;
  if (rowField?.selectionSet === undefined) throw notExportable(name, rootKey, `${rootKey} selects neither nodes nor edges { node }.`);
  const rowsPath = nodes !== undefined ? [keyOf(nodes)] : [keyOf(edges!), keyOf(edgeNode!)];
  const nodeType = nodes !== undefined ? childType(named, "nodes") : childType(childType(named, "edges"), "node");
  const columns = columnsOf(name, rowField.selectionSet, nodeType, schema, fragments, [], [rootKey, ...rowsPath].join("."));
  const firstVariable = variableOf(root, "first");
  const afterVariable = variableOf(root, "after");
  const pageInfo = selected.find((f) => f.name.value === "pageInfo");
  const pageInfoFields = pageInfo?.selectionSet === undefined ? [] : fieldsOf(pageInfo.selectionSet, childType(named, "pageInfo"), schema, fragments).map((s) => s.field);
  const hasNext = pageInfoFields.find((f) => f.name.value === "hasNextPage");
  const endCursor = pageInfoFields.find((f) => f.name.value === "endCursor");
  if (firstVariable === null || afterVariable === null || hasNext === undefined || endCursor === undefined) {
    throw notExportable(
      name,
      rootKey,
      `a connection is exported page by page: ${rootKey} must take first: $variable and after: $variable and select pageInfo { hasNextPage endCursor }.`,
    );
  }
  return { operation: name, rootKey, kind: "connection", rowsPath, firstVariable, afterVariable, pageInfoPath: [keyOf(pageInfo!), keyOf(hasNext), keyOf(endCursor)], columns };
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; numbers as JavaScript writes them, unformatted. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 writes them. */
export function csvRecord(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || current === undefined || typeof current !== "object") return null;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Where CSV text goes: an HTTP response or a file. `write` resolves once the text may be followed by more (backpressure). */
export interface CsvSink {
  write(text: string): Promise<void>;
  /** Why paging should stop now (the client went away, the server is draining), or null to go on. */
  stopped(): { code: ErrorCode | "CLIENT_GONE"; message: string } | null;
}

export interface ExportOutcome {
  readonly rows: number;
  readonly pages: number;
  /** Set when the export ended early: the error line was written (unless the client is gone). */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** What one page answered. */
interface PageAnswer {
  readonly status: number;
  readonly data: Record<string, unknown> | null | undefined;
  readonly errors: readonly GraphQLFormattedError[] | undefined;
}

/**
 * The errors of a refused page, one per code and field: a denied field is denied on every row of the page, and a
 * refusal listing it 500 times says nothing more than once.
 */
function distinctErrors(errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${String(error.extensions?.code)}\u0000${String(error.extensions?.field ?? error.message)}`;
    return !seen.has(key) && seen.add(key);
  });
}

/** The HTTP status a refusal carries: Apollo's when it set one, else by the first error's code. */
function statusOf(answer: PageAnswer): number {
  if (answer.status >= 400) return answer.status;
  const code = String(answer.errors?.[0]?.extensions?.code ?? "");
  const byCode: Record<string, number> = {
    [ErrorCode.UNAUTHENTICATED]: 401,
    [ErrorCode.FORBIDDEN]: 403,
    [ErrorCode.OPERATION_NOT_ALLOWED]: 403,
    [ErrorCode.DATABASE_UNAVAILABLE]: 503,
    [ErrorCode.REQUEST_TIMEOUT]: 503,
    [ErrorCode.SHUTTING_DOWN]: 503,
    [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
  };
  return byCode[code] ?? 400;
}

export interface ExportSource {
  readonly apollo: ApolloServer<Context>;
  readonly config: Config;
  readonly database: Database;
  readonly viewer: Viewer;
  readonly requestId: string;
  /**
   * The scope the pages' statements and operation facts add up in: an HTTP request's, for its log line,
   * metrics and span. Each page runs in a scope of its own, under its own deadline.
   */
  readonly scope?: RequestScope;
}

/** Runs one page of the operation as a request of its own: Apollo's whole pipeline, the request deadline per page. */
async function executePage(source: ExportSource, plan: ExportPlan, registered: RegisteredOperation, variables: Record<string, unknown>): Promise<PageAnswer> {
  const { config, scope: total } = source;
  const operations: OperationFacts[] = [];
  const scope: RequestScope = { requestId: source.requestId, statements: 0, operations, ...(total?.span === undefined ? {} : { span: total.span }) };
  const timer = setTimeout(() => (scope.expired = true), config.requestTimeoutMs);
  try {
    const response = await withRequestScope(scope, () =>
      source.apollo.executeOperation(
        {
          query: registered.text,
          operationName: plan.operation,
          variables,
          // graphql-response+json: a document or variables error keeps its 400 (src/server/plugins/http-status.ts).
          http: { method: "POST", headers: new HeaderMap([["accept", "application/graphql-response+json"]]), search: "", body: null },
        },
        // An export's pages are each read once; thousands of them in the response cache would evict the dashboards' answers.
        { contextValue: { ...createContext(config, source.database, source.viewer, source.requestId), responseCache: false } },
      ),
    );
    if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
    const { data, errors } = response.body.singleResult;
    return { status: response.http.status ?? 200, data: data as Record<string, unknown> | null | undefined, errors };
  } finally {
    clearTimeout(timer);
    if (total !== undefined) {
      total.statements += scope.statements;
      const facts = total.operations?.[0];
      const page = operations[0];
      if (page !== undefined && total.operations !== undefined) {
        if (facts === undefined) total.operations.push({ ...page, errorCodes: [...page.errorCodes] });
        else for (const code of page.errorCodes) if (!facts.errorCodes.includes(code)) facts.errorCodes.push(code);
      }
    }
  }
}

function rowsOf(plan: ExportPlan, data: Record<string, unknown> | null | undefined): unknown[] {
  const root = data?.[plan.rootKey];
  if (plan.kind === "list") return Array.isArray(root) ? root : [];
  if (plan.rowsPath.length === 1) {
    const nodes = at(root, plan.rowsPath);
    return Array.isArray(nodes) ? nodes : [];
  }
  const edges = at(root, [plan.rowsPath[0]!]);
  return Array.isArray(edges) ? edges.map((edge) => at(edge, [plan.rowsPath[1]!])) : [];
}

function nextCursor(plan: ExportPlan, data: Record<string, unknown> | null | undefined): { hasNext: boolean; cursor: string | null } {
  if (plan.pageInfoPath === null) return { hasNext: false, cursor: null };
  const [pageInfo, hasNext, endCursor] = plan.pageInfoPath;
  const info = at(data?.[plan.rootKey], [pageInfo]);
  return { hasNext: at(info, [hasNext]) === true, cursor: (at(info, [endCursor]) as string | null) ?? null };
}

/** The caller's variables: a JSON object (or nothing), else a refusal naming the parameter. */
export function parseExportVariables(raw: string | null | undefined): Record<string, unknown> {
  if (raw === null || raw === undefined || raw.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw refused(400, ErrorCode.BAD_USER_INPUT, `variables is not valid JSON: ${(error as Error).message}`, { field: "variables" });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw refused(400, ErrorCode.BAD_USER_INPUT, "variables must be a JSON object of the operation's variables.", { field: "variables" });
  }
  return value as Record<string, unknown>;
}

/** An export whose first page was answered without error: nothing is written yet. */
export interface PreparedExport {
  readonly plan: ExportPlan;
  /** The file name the download is offered under. */
  readonly filename: string;
  /** Writes the BOM, the header row and every row, page after page, then resolves with what was written. */
  write(sink: CsvSink): Promise<ExportOutcome>;
}

/**
 * Plans the export and runs its first page. Everything that can be refused for the request itself (an unknown
 * operation, variables that are not JSON or do not coerce, an operation with nothing flat to export, a field the
 * viewer may not read) is refused here, as an ExportRefused, before a byte of CSV exists.
 */
export async function prepareExport(source: ExportSource, operationName: string | null, variables: Record<string, unknown>): Promise<PreparedExport> {
  // The schema and operations the server itself runs: an export plans against nothing else.
  const { schema, registry } = servedGraph(source.apollo);
  const registered = findOperation(registry, operationName);
  const plan = planExport(schema, registered);
  const { maxPageSize } = source.config;
  // The caller's `after` starts the export there; the page size is always the largest the server serves.
  const pageVariables = (after: unknown) =>
    plan.kind === "list" ? variables : { ...variables, [plan.firstVariable!]: maxPageSize, [plan.afterVariable!]: after ?? null };
  let pages = 1;
  const first = await executePage(source, plan, registered, pageVariables(variables[plan.afterVariable ?? ""]));
  if (first.errors !== undefined && first.errors.length > 0) throw new ExportRefused(statusOf(first), distinctErrors(first.errors));
  return {
    plan,
    filename: `${plan.operation}.csv`,
    async write(sink) {
      const columns = plan.columns;
      let rows = 0;
      const writeRows = async (data: Record<string, unknown> | null | undefined) => {
        let text = "";
        for (const row of rowsOf(plan, data)) {
          text += csvRecord(columns.map((c) => at(row, c.path)));
          rows += 1;
        }
        if (text !== "") await sink.write(text);
      };
      await sink.write(BOM + csvRecord(columns.map((c) => c.name)));
      await writeRows(first.data);
      let next = nextCursor(plan, first.data);
      while (next.hasNext) {
        const stop = sink.stopped();
        if (stop !== null) return end(stop, rows, pages, sink);
        if (next.cursor === null) return end({ code: ErrorCode.INTERNAL_SERVER_ERROR, message: "hasNextPage is true with no endCursor." }, rows, pages, sink);
        pages += 1;
        let answer: PageAnswer;
        try {
          answer = await executePage(source, plan, registered, pageVariables(next.cursor));
        } catch (error) {
          // Apollo answers errors as results; a throw here is the server stopping under the export.
          return end({ code: ErrorCode.INTERNAL_SERVER_ERROR, message: (error as Error).message }, rows, pages, sink);
        }
        if (answer.errors !== undefined && answer.errors.length > 0) {
          const error = answer.errors[0]!;
          return end({ code: String(error.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR), message: error.message }, rows, pages, sink);
        }
        await writeRows(answer.data);
        next = nextCursor(plan, answer.data);
      }
      return { rows, pages, error: null };
    },
  };
}

/** The error line: one record whose single field says the file is incomplete, where it stopped and why. */
export function exportErrorLine(rows: number, code: string, message: string): string {
  return csvRecord([`ERROR: export incomplete after ${rows} rows: ${code}: ${message}`]);
}

async function end(error: { code: string; message: string }, rows: number, pages: number, sink: CsvSink): Promise<ExportOutcome> {
  if (error.code !== "CLIENT_GONE") await sink.write(exportErrorLine(rows, error.code, error.message));
  return { rows, pages, error };
}
