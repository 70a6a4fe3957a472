import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toGlobalId } from "../src/lib/global-id.js";
import { encodeCursor } from "../src/lib/pagination.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { databaseFingerprint, startTestServer, type TestServer } from "./support/http.js";

/**
 * A corpus of hostile and broken requests, sent over real HTTP. Every case must end in its stable
 * outcome (an extensions.code, or OK for requests that are harmless and answered normally), never
 * a 5xx, and must leave every table as it was (row counts and an md5 of the rows).
 *
 * To add cases: append to a domain's list below, or add a domain (the shipment domain will bring
 * S10 numbers, money, quarters and batches). A case is a GraphQL body, or a raw body for
 * transport-level cases; `as` picks the credentials (ADMIN by default, so that input validation,
 * not authorisation, is what is exercised).
 */
interface BadCase {
  readonly name: string;
  readonly body?: unknown;
  /** Sent as is (with `contentType`), instead of JSON.stringify(body). */
  readonly raw?: string;
  readonly contentType?: string;
  readonly method?: "GET" | "POST";
  /** Appended to the URL for GET requests. */
  readonly search?: string;
  readonly as?: "admin" | "viewer" | "anonymous" | "broken";
  /** The first error's extensions.code, or OK: no errors at all. */
  readonly expect: string;
  readonly status?: number;
  /** The first error's extensions.field, where the case checks which input is named. */
  readonly field?: string;
}

const q = (query: string, variables?: Record<string, unknown>) => (variables === undefined ? { query } : { query, variables });

const INJECTIONS = [
  "' OR 1=1 --",
  "'; DROP TABLE post_office; --",
  '" OR ""="',
  "%",
  "_",
  "%%%%_%",
  "\\",
  "\\'",
  "1; select pg_sleep(10)",
  "$$; delete from pincode; $$",
  "<script>alert(1)</script>",
  "${jndi:ldap://example.invalid/a}",
  "🙂 दिल्ली",
  "ＤＥＬＨＩ",
];

const POST_OFFICE_TEXT_FILTERS = ["nameContains", "nameStartsWith", "state", "district", "circle", "region", "division"];
const PINCODE_TEXT_FILTERS = ["state", "district", "circle"];

const INVALID_PINS = ["12345", "1234567", "012345", "abcdef", "19440a", "", " ", "194 401", "١٩٤٤٠١", "194401' OR '1'='1", "-19440"];
const INVALID_DATES = ["2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "24-10-04", "2024/10/04", "04-10-2024", "yesterday", "", "2024-10-04T00:00:00Z", "+002024-10-04"];

const officeQuery = "query ($filter: PostOfficeFilter) { postOffices(filter: $filter, first: 5) { totalCount nodes { name } } }";
const pincodeQuery = "query ($filter: PincodeFilter) { pincodes(filter: $filter, first: 5) { totalCount nodes { code } } }";
const upsert = "mutation ($input: UpsertPickupLocationInput!) { upsertPickupLocation(input: $input) { created updated unchanged } }";

function deep(levels: number): string {
  let selection = "name";
  for (let i = 0; i < levels; i += 1) selection = `regions { circle { ${selection} } }`;
  return `{ circles { ${selection} } }`;
}

/** JSON text of a value nested `levels` deep (`[[[…1…]]]` or `{"a":{"a":…}}`), written without recursion. */
function nested(levels: number, kind: "list" | "object" = "list"): string {
  return kind === "list" ? `${"[".repeat(levels)}1${"]".repeat(levels)}` : `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
}

/** Integer parts no serial column holds: beyond PostgreSQL's integer, negative, zero, not integers. */
const OUT_OF_RANGE_KEYS = ["2147483648", "9999999999", "9007199254740993", "-1", "0", "1.5", "1e3", "0x10"];

const NUL = "Leh\u0000HO";

const DOMAINS: Record<string, (ctx: { officeId: string }) => BadCase[]> = {
  http: () => [
    { name: "malformed JSON", raw: '{"query": "{ circles { name } }"', expect: "BAD_REQUEST", status: 400 },
    { name: "JSON with trailing garbage", raw: '{"query": "{ circles { name } }"} x', expect: "BAD_REQUEST", status: 400 },
    { name: "a JSON number", raw: "42", expect: "BAD_REQUEST", status: 400 },
    { name: "a JSON string", raw: '"{ circles { name } }"', expect: "BAD_REQUEST", status: 400 },
    { name: "JSON null", raw: "null", expect: "BAD_REQUEST", status: 400 },
    { name: "an empty object", body: {}, expect: "BAD_REQUEST", status: 400 },
    { name: "query is a number", body: { query: 42 }, expect: "BAD_REQUEST", status: 400 },
    { name: "query is an empty string", body: { query: "" }, expect: "BAD_REQUEST", status: 400 },
    { name: "variables is a string", body: { query: "{ circles { name } }", variables: "{}" }, expect: "BAD_REQUEST", status: 400 },
    { name: "extensions is a list", body: { query: "{ circles { name } }", extensions: [] }, expect: "BAD_REQUEST", status: 400 },
    { name: "operationName is a number", body: { query: "{ circles { name } }", operationName: 1 }, expect: "BAD_REQUEST", status: 400 },
    { name: "text/plain body (CSRF prevention)", raw: '{"query":"{ circles { name } }"}', contentType: "text/plain", expect: "BAD_REQUEST", status: 400 },
    { name: "a mutation over GET", method: "GET", search: `?query=${encodeURIComponent('mutation { upsertPickupLocation(input: { code: "A1", name: "n", postOfficeId: "x", city: "c", activeFrom: "2024-01-01", dailyCapacity: 1 }) { created } }')}`, expect: "BAD_REQUEST", status: 405 },
    { name: "an empty batch", body: [], expect: "BAD_REQUEST", status: 400 },
    { name: "a batch over the limit", body: Array.from({ length: 11 }, () => q("{ circles { name } }")), expect: "BATCH_TOO_LARGE", status: 400 },
    { name: "a body over the size limit", body: q(`{ circles { name } } # ${"x".repeat(1_100_000)}`), expect: "PAYLOAD_TOO_LARGE", status: 413 },
    { name: "an unknown persisted-query hash", body: { extensions: { persistedQuery: { version: 1, sha256Hash: "f".repeat(64) } } }, expect: "PERSISTED_QUERY_NOT_FOUND" },
    { name: "an unknown documentId", body: { documentId: "sha256:" + "e".repeat(64) }, expect: "PERSISTED_QUERY_NOT_FOUND" },
    { name: "a malformed Authorization header", body: q("{ circles { name } }"), as: "broken", expect: "UNAUTHENTICATED", status: 401 },
    { name: "an unknown operationName", body: { query: "query A { circles { name } }", operationName: "B" }, expect: "OPERATION_RESOLUTION_FAILURE", status: 400 },
    { name: "two operations and no operationName", body: q("query A { circles { name } } query B { products { code } }"), expect: "OPERATION_RESOLUTION_FAILURE", status: 400 },
  ],

  graphql: () => [
    ...["{", "{ postOffices(", "query {{ circles }", "}", "{ circles { name }", "query Q($a: ) { circles { name } }", "{ circles { name } } }", "{ 'single' }", "\u0000", "query Q { circles { name } } extra", "{ circles(first: ) { name } }", "mutation"].map(
      (query): BadCase => ({ name: `syntax error ${JSON.stringify(query)}`, body: q(query), expect: "GRAPHQL_PARSE_FAILED", status: 400 }),
    ),
    { name: "an unknown field", body: q("{ secrets }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "an unknown argument", body: q("{ circles(where: 1) { name } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a missing required argument", body: q("{ pincode { code } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a selection on a scalar", body: q('{ pincode(code: "194401") { code { x } } }'), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "no selection on an object", body: q("{ circles }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a subscription of a query field", body: q("subscription { circles { name } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    {
      name: "a subscription over HTTP",
      body: q('subscription { shipmentUpdated(trackingNumbers: ["EE123456785IN"]) { status } }'),
      expect: "SUBSCRIPTION_NEEDS_WEBSOCKET",
      status: 400,
    },
    { name: "an unknown directive", body: q("{ circles @cached { name } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a fragment cycle", body: q("{ circles { ...A } } fragment A on Circle { regions { circle { ...B } } } fragment B on Circle { ...A }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a fragment on an unknown type", body: q("{ circles { ...F } } fragment F on Parcel { id }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a variable of the wrong declared type", body: q("query ($c: Int!) { pincode(code: $c) { code } }", { c: 194401 }), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "an undeclared variable", body: q("{ pincode(code: $c) { code } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a query 14 levels deep", body: q(deep(6)), expect: "QUERY_TOO_DEEP", status: 400 },
    { name: "a query 50 levels deep", body: q(deep(25)), expect: "QUERY_TOO_DEEP", status: 400 },
    {
      name: "cyclic introspection (fields → type → fields…)",
      body: q('{ __type(name: "Query") { fields { type { fields { type { fields { type { fields { name } } } } } } } } }'),
      // graphql-js's own MaxIntrospectionDepthRule answers first; our introspection list limit is the second line.
      expect: "GRAPHQL_VALIDATION_FAILED",
      status: 400,
    },
    { name: "an alias flood (31 aliases)", body: q(`{ ${Array.from({ length: 31 }, (_, i) => `c${i}: circles { name }`).join(" ")} }`), expect: "TOO_MANY_ALIASES", status: 400 },
    { name: "an alias flood (2,000 aliases)", body: q(`{ ${Array.from({ length: 2000 }, (_, i) => `c${i}: __typename`).join(" ")} }`), expect: "TOO_MANY_ALIASES", status: 400 },
    {
      name: "aliases multiplied through fragment spreads",
      body: q(`{ ${Array.from({ length: 8 }, (_, i) => `p${i}: products { ...F }`).join(" ")} } fragment F on Product { a: code b: name c: description d: effectiveFrom }`),
      expect: "TOO_MANY_ALIASES",
      status: 400,
    },
    {
      name: "a wide nested query (cost)",
      body: q("{ postOffices(first: 500) { nodes { pincode { postOffices(first: 500) { nodes { pincode { code } } } } } } }"),
      expect: "QUERY_TOO_COMPLEX",
      status: 400,
    },
    {
      name: "a fragment bomb",
      body: q(
        `{ circles { ...F0 } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Circle { name ${i < 19 ? `regions { circle { ...F${i + 1} } } region2: regions { circle { ...F${i + 1} } }` : ""} }`).join(" ")}`,
      ),
      // Apollo's maxRecursiveSelections rule (validationErrorCode MAX_RECURSIVE_SELECTIONS_EXCEEDED).
      expect: "GRAPHQL_VALIDATION_FAILED",
      status: 400,
    },
    { name: "3,000 copies of one field", body: q(`{ circles { ${"name ".repeat(3000)} } }`), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "30 copies of one field (merged, harmless)", body: q(`{ circles { ${"name ".repeat(30)} } }`), expect: "OK" },
  ],

  directory: ({ officeId }) => [
    ...INVALID_PINS.map((pin): BadCase => ({ name: `pincode(code:) variable ${JSON.stringify(pin)}`, body: q("query ($c: PIN!) { pincode(code: $c) { code } }", { c: pin }), expect: "BAD_USER_INPUT", status: 400 })),
    ...INVALID_PINS.map((pin): BadCase => ({ name: `pincode(code:) literal ${JSON.stringify(pin)}`, body: q(`{ pincode(code: ${JSON.stringify(pin)}) { code } }`), expect: "BAD_USER_INPUT" })),
    { name: "a PIN as a number", body: q("{ pincode(code: 194401) { code } }"), expect: "BAD_USER_INPUT" },
    { name: "a PIN as a float variable", body: q("query ($c: PIN!) { pincode(code: $c) { code } }", { c: 194401.5 }), expect: "BAD_USER_INPUT", status: 400 },
    ...INVALID_PINS.slice(0, 6).map((pin): BadCase => ({ name: `postOffices filter.pincode ${JSON.stringify(pin)}`, body: q(officeQuery, { filter: { pincode: pin } }), expect: "BAD_USER_INPUT", status: 400 })),
    ...["abc", "0", "1234567", "%", "1%", "' or 1=1", "07", "-1"].map((prefix): BadCase => ({ name: `pincodes codePrefix ${JSON.stringify(prefix)}`, body: q(pincodeQuery, { filter: { codePrefix: prefix } }), expect: "BAD_USER_INPUT" })),
    ...[0, 10, -1, 99].map((zone): BadCase => ({ name: `pincodes zone ${zone}`, body: q(pincodeQuery, { filter: { zone } }), expect: "BAD_USER_INPUT" })),
    { name: "zone as a string", body: q(pincodeQuery, { filter: { zone: "1" } }), expect: "BAD_USER_INPUT", status: 400 },
    ...POST_OFFICE_TEXT_FILTERS.flatMap((field) =>
      INJECTIONS.map((text): BadCase => ({ name: `postOffices filter.${field} = ${JSON.stringify(text)}`, body: q(officeQuery, { filter: { [field]: text } }), expect: "OK" })),
    ),
    ...PINCODE_TEXT_FILTERS.flatMap((field) =>
      INJECTIONS.slice(0, 6).map((text): BadCase => ({ name: `pincodes filter.${field} = ${JSON.stringify(text)}`, body: q(pincodeQuery, { filter: { [field]: text } }), expect: "OK" })),
    ),
    ...["nameContains", "state"].flatMap((field) => [
      { name: `postOffices filter.${field}: 10,000 characters`, body: q(officeQuery, { filter: { [field]: "a".repeat(10_000) } }), expect: "BAD_USER_INPUT" },
      { name: `postOffices filter.${field}: a NUL byte`, body: q(officeQuery, { filter: { [field]: "Dis\u0000kit" } }), expect: "BAD_USER_INPUT" },
      { name: `postOffices filter.${field}: a newline`, body: q(officeQuery, { filter: { [field]: "Dis\nkit" } }), expect: "BAD_USER_INPUT" },
    ]),
    { name: "a list where a filter object is expected", body: q(officeQuery, { filter: [{ state: "Delhi" }] }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "an unknown filter field", body: q(officeQuery, { filter: { owner: "x" } }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "a huge list as the filter", body: q(officeQuery, { filter: Array.from({ length: 50_000 }, () => 1) }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "an unknown officeType literal", body: q("{ postOffices(filter: { officeType: TOWER }) { totalCount } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "an unknown officeType variable", body: q(officeQuery, { filter: { officeType: "TOWER" } }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "an enum as a string literal", body: q('{ postOffices(orderBy: "NAME_ASC") { totalCount } }'), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "a lower-case enum variable", body: q("query ($o: [PostOfficeOrderBy!]) { postOffices(orderBy: $o) { totalCount } }", { o: [{ field: "name" }] }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "the 0.1.0 order enum as a literal", body: q("{ postOffices(orderBy: NAME_ASC) { totalCount } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "delivery as a string", body: q(officeQuery, { filter: { delivery: "yes" } }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "first as a string literal", body: q('{ postOffices(first: "ten") { totalCount } }'), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "first as a float literal", body: q("{ postOffices(first: 1.5) { totalCount } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "first over 32 bits", body: q("{ postOffices(first: 3000000000) { totalCount } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    { name: "first over 32 bits as a variable", body: q("query ($n: Int) { postOffices(first: $n) { totalCount } }", { n: 2 ** 40 }), expect: "BAD_USER_INPUT", status: 400 },
    { name: "first negative", body: q("{ postOffices(first: -1) { totalCount } }"), expect: "BAD_USER_INPUT" },
    ...[501, 10_000, 2_000_000_000].map((first): BadCase => ({ name: `postOffices first ${first}`, body: q(`{ postOffices(first: ${first}) { nodes { name } } }`), expect: "PAGE_SIZE_EXCEEDED" })),
    { name: "pincodes first 501", body: q("{ pincodes(first: 501) { nodes { code } } }"), expect: "PAGE_SIZE_EXCEEDED" },
    { name: "Pincode.postOffices first 501", body: q('{ pincode(code: "194401") { postOffices(first: 501) { totalCount } } }'), expect: "PAGE_SIZE_EXCEEDED" },
    ...["garbage", "", "eyJ4IjoxfQ", "W10", "WyJOQU1FX0FTQyIsIngiLCJ5Il0", "a".repeat(500), "'; drop table x; --"].map(
      (after): BadCase => ({ name: `postOffices after ${JSON.stringify(after.slice(0, 30))}`, body: q("query ($a: String) { postOffices(after: $a) { totalCount } }", { a: after }), expect: "INVALID_CURSOR" }),
    ),
    // A cursor of the 0.1.0 form, and one of the default order (by name) given with another order.
    ...[["NAME_ASC", "a", 1], ["NAME+", "a", 1]].map(
      (cursor): BadCase => ({ name: `a cursor ${JSON.stringify(cursor)} for another order`, body: q(`{ postOffices(orderBy: [{ field: PINCODE_CODE }], after: "${Buffer.from(JSON.stringify(cursor)).toString("base64url")}") { totalCount } }`), expect: "INVALID_CURSOR" }),
    ),
    ...["", "x", "UG9zdE9mZmljZTp4", toGlobalId("Nope", 1), toGlobalId("Circle", 1), "' or 1=1", "a".repeat(2000)].map(
      (id): BadCase => ({ name: `postOffice(id: ${JSON.stringify(id.slice(0, 30))})`, body: q("query ($id: ID!) { postOffice(id: $id) { name } }", { id }), expect: "INVALID_ID" }),
    ),
    ...["", "x", toGlobalId("Nope", 1), toGlobalId("Pincode", "12"), "%%%"].map(
      (id): BadCase => ({ name: `node(id: ${JSON.stringify(id)})`, body: q("query ($id: ID!) { node(id: $id) { id } }", { id }), expect: "INVALID_ID" }),
    ),
    { name: "node of a missing office", body: q("query ($id: ID!) { node(id: $id) { id } }", { id: toGlobalId("PostOffice", 99_999_999) }), expect: "OK" },
    { name: "postOffice of a real office with extra spaces in the id", body: q("query ($id: ID!) { postOffice(id: $id) { name } }", { id: ` ${officeId} ` }), expect: "INVALID_ID" },
    ...[
      [91, 77, 10],
      [-91, 77, 10],
      [34, 181, 10],
      [34, 77, 0],
      [34, 77, -5],
      [34, 77, 100_000],
    ].map(([latitude, longitude, radiusKm]): BadCase => ({
      name: `pincodesNear(${latitude}, ${longitude}, ${radiusKm})`,
      body: q("query ($a: Float!, $o: Float!, $r: Float!) { pincodesNear(latitude: $a, longitude: $o, radiusKm: $r) { withoutCoordinates } }", { a: latitude, o: longitude, r: radiusKm }),
      expect: "BAD_USER_INPUT",
    })),
    { name: "pincodesNear latitude as a string", body: q('{ pincodesNear(latitude: "34", longitude: 77, radiusKm: 5) { withoutCoordinates } }'), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
    ...INVALID_DATES.map((day): BadCase => ({ name: `products(activeOn: ${JSON.stringify(day)})`, body: q("query ($d: Date) { products(activeOn: $d) { code } }", { d: day }), expect: "BAD_USER_INPUT", status: 400 })),
  ],

  pickupLocation: ({ officeId }) => {
    const input = (overrides: Record<string, unknown> = {}) => ({
      input: { code: "BAD-1", name: "Bad", postOfficeId: officeId, city: "Leh", activeFrom: "2024-01-01", dailyCapacity: 10, ...overrides },
    });
    return [
      { name: "upsert as anonymous", body: q(upsert, input()), as: "anonymous", expect: "UNAUTHENTICATED" },
      { name: "upsert as a VIEWER key", body: q(upsert, input()), as: "viewer", expect: "FORBIDDEN" },
      ...["x", "bad code!", "'; drop table pickup_location; --", "-LEADING", "A".repeat(33), "", "ÄBC", "DEL GPO"].map((code): BadCase => ({ name: `upsert code ${JSON.stringify(code)}`, body: q(upsert, input({ code })), expect: "BAD_USER_INPUT" })),
      ...[0, -1, 1_000_001].map((dailyCapacity): BadCase => ({ name: `upsert dailyCapacity ${dailyCapacity}`, body: q(upsert, input({ dailyCapacity })), expect: "BAD_USER_INPUT" })),
      { name: "upsert dailyCapacity over 32 bits", body: q(upsert, input({ dailyCapacity: 2 ** 33 })), expect: "BAD_USER_INPUT", status: 400 },
      { name: "upsert dailyCapacity as a string", body: q(upsert, input({ dailyCapacity: "10" })), expect: "BAD_USER_INPUT", status: 400 },
      ...INVALID_DATES.slice(0, 8).map((activeFrom): BadCase => ({ name: `upsert activeFrom ${JSON.stringify(activeFrom)}`, body: q(upsert, input({ activeFrom })), expect: "BAD_USER_INPUT", status: 400 })),
      { name: "upsert activeTo before activeFrom", body: q(upsert, input({ activeTo: "2023-12-31" })), expect: "BAD_USER_INPUT" },
      { name: "upsert name of 10,000 characters", body: q(upsert, input({ name: "n".repeat(10_000) })), expect: "BAD_USER_INPUT" },
      { name: "upsert blank name", body: q(upsert, input({ name: " \t " })), expect: "BAD_USER_INPUT" },
      { name: "upsert blank city", body: q(upsert, input({ city: "" })), expect: "BAD_USER_INPUT" },
      { name: "upsert postOfficeId of a circle", body: q(upsert, input({ postOfficeId: toGlobalId("Circle", 1) })), expect: "INVALID_ID" },
      { name: "upsert postOfficeId garbage", body: q(upsert, input({ postOfficeId: "' or 1=1 --" })), expect: "INVALID_ID" },
      { name: "upsert postOfficeId of no office", body: q(upsert, input({ postOfficeId: toGlobalId("PostOffice", 99_999_999) })), expect: "BAD_USER_INPUT" },
      { name: "upsert a missing input field", body: q(upsert, { input: { code: "BAD-2" } }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "upsert an unknown input field", body: q(upsert, { input: { ...input().input, owner: "me" } }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "upsert input null", body: q(upsert, { input: null }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "upsert input as a list", body: q(upsert, { input: [input().input] }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "two upserts, the second invalid (all-or-nothing per mutation field)", body: q(`mutation ($a: UpsertPickupLocationInput!, $b: UpsertPickupLocationInput!) { a: upsertPickupLocation(input: $a) { created } b: upsertPickupLocation(input: $b) { created } }`, { a: input({ code: "x" }).input, b: input({ dailyCapacity: 0 }).input }), expect: "BAD_USER_INPUT" },
      ...INJECTIONS.slice(0, 6).map((code): BadCase => ({ name: `pickupLocation(code: ${JSON.stringify(code)})`, body: q("query ($c: String!) { pickupLocation(code: $c) { code } }", { c: code }), expect: "OK" })),
      ...INVALID_DATES.slice(0, 4).map((day): BadCase => ({ name: `pickupLocations(activeOn: ${JSON.stringify(day)})`, body: q("query ($d: Date) { pickupLocations(activeOn: $d) { code } }", { d: day }), expect: "BAD_USER_INPUT", status: 400 })),
    ];
  },
  shipment: () => {
    const record = "mutation ($input: RecordShipmentsInput!) { recordShipments(input: $input) { created unchanged } }";
    const scans = "mutation ($input: RecordScanEventsInput!) { recordScanEvents(input: $input) { created } }";
    const item = (overrides: Record<string, unknown> = {}) => ({
      trackingNumber: "EE123456785IN",
      bookedAt: "2024-08-05T10:00:00+05:30",
      productCode: "SPEED_POST",
      paymentMode: "PREPAID",
      weightGrams: 500,
      pickupLocationCode: "LEH-HO",
      destinationPincode: "194401",
      ...overrides,
    });
    const one = (overrides: Record<string, unknown>, status?: number, expect = "BAD_USER_INPUT"): BadCase => ({
      name: `recordShipments ${JSON.stringify(overrides).slice(0, 80)}`,
      body: q(record, { input: { shipments: [item({ trackingNumber: "RR287043775IN" }), item(overrides)] } }),
      expect,
      ...(status === undefined ? {} : { status }),
    });
    const scan = (overrides: Record<string, unknown>, expect = "BAD_USER_INPUT", status?: number): BadCase => ({
      name: `recordScanEvents ${JSON.stringify(overrides).slice(0, 80)}`,
      body: q(scans, { input: { events: [{ trackingNumber: "EQ949022774IN", occurredAt: "2024-08-06T10:00:00+05:30", event: "Item Bagged", ...overrides }] } }),
      expect,
      ...(status === undefined ? {} : { status }),
    });
    const quarter = "query ($q: FiscalQuarter) { shipments(filter: { bookedInQuarter: $q }, first: 1) { totalCount } }";
    return [
      ...["EE123456789IN", "RK169063347IN", "EE12345678IN", "EE1234567850IN", "1E123456785IN", "EE12345678XIN", "EE123456785I1", "", "EE-123456785-IN", "ЕЕ123456785IN"].map((trackingNumber) => one({ trackingNumber }, 400)),
      ...[-1, 0, 50_001, 10.5, 1e308].map((codAmount) => one({ paymentMode: "COD", codAmount })),
      one({ paymentMode: "COD", codAmount: "100" }, 400),
      one({ codAmount: 100 }),
      one({ paymentMode: "COD" }),
      ...[0.001, -1, 1e12].map((declaredValue) => one({ declaredValue })),
      ...[-5, 0, 35_001].map((weightGrams) => one({ weightGrams })),
      ...[1.5, "500"].map((weightGrams) => one({ weightGrams }, 400)),
      ...["CASH", "cod", ""].map((paymentMode) => one({ paymentMode }, 400)),
      ...["2024-08-05T10:00:00", "2999-01-01T00:00:00Z", "2012-12-31T10:00:00Z", "yesterday", "2024-02-30T10:00:00Z"].map((bookedAt) =>
        one({ bookedAt }, bookedAt.startsWith("2999") || bookedAt.startsWith("2012") ? undefined : 400),
      ),
      ...INVALID_PINS.slice(0, 6).map((destinationPincode) => one({ destinationPincode }, 400)),
      one({ destinationPincode: "560999" }),
      one({ destinationPincode: "900099" }),
      one({ armyPostOffice: "APO_56" }),
      one({ productCode: "NO_SUCH_PRODUCT" }),
      one({ productCode: "INDIA_POST_PARCEL" }),
      one({ pickupLocationCode: "'; drop table shipment; --" }),
      one({ deliveryOfficeId: "garbage" }, undefined, "INVALID_ID"),
      one({ trackingNumber: "EQ949022774IN", weightGrams: 999 }, undefined, "CONFLICT"),
      { name: "recordShipments with 1,001 items", body: q(record, { input: { shipments: Array.from({ length: 1001 }, () => item()) } }), expect: "BAD_USER_INPUT" },
      { name: "recordShipments with 60 items each missing a field (graphql-js stops at 50 errors)", body: q(record, { input: { shipments: Array.from({ length: 60 }, () => ({ ...item(), destinationPincode: undefined })) } }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "recordShipments with no items", body: q(record, { input: { shipments: [] } }), expect: "BAD_USER_INPUT" },
      { name: "recordShipments as anonymous", body: q(record, { input: { shipments: [item()] } }), as: "anonymous", expect: "UNAUTHENTICATED" },
      { name: "recordShipments as a VIEWER key", body: q(record, { input: { shipments: [item()] } }), as: "viewer", expect: "FORBIDDEN" },
      scan({ event: "Teleported to Mars" }),
      scan({ event: "" }),
      scan({ trackingNumber: "PP116215523IN" }),
      scan({ failedReason: "DOOR_LOCKED" }),
      scan({ occurredAt: "2999-01-01T00:00:00Z" }),
      scan({ occurredAt: "2024-08-01T00:00:00Z" }),
      scan({ failedReason: "BORED" }, "BAD_USER_INPUT", 400),
      scan({ officeId: "' or 1=1" }, "INVALID_ID"),
      scan({ officeName: "o".repeat(500) }),
      { name: "recordScanEvents with 1,001 items", body: q(scans, { input: { events: Array.from({ length: 1001 }, () => ({ trackingNumber: "EQ949022774IN", occurredAt: "2024-08-06T10:00:00Z", event: "BAGGED" })) } }), expect: "BAD_USER_INPUT" },
      ...["Q5 FY25", "FY2024-26-Q1", "2024Q3", "", "Q3 FY", "FY1999-00-Q1"].map((value): BadCase => ({ name: `shipments(bookedInQuarter: ${JSON.stringify(value)})`, body: q(quarter, { q: value }), expect: "BAD_USER_INPUT", status: 400 })),
      ...["destinationState", "destinationCircle"].flatMap((field) => INJECTIONS.slice(0, 5).map((value): BadCase => ({ name: `shipments(filter.${field}: ${JSON.stringify(value)})`, body: q("query ($f: ShipmentFilter) { shipments(filter: $f, first: 3) { totalCount } }", { f: { [field]: value } }), expect: "OK" }))),
      { name: "shipments(first: 100000)", body: q("{ shipments(first: 100000) { totalCount } }"), expect: "PAGE_SIZE_EXCEEDED" },
      { name: "shipments(after: garbage)", body: q('{ shipments(after: "not-a-cursor") { totalCount } }'), expect: "INVALID_CURSOR" },
      { name: "shipmentStats grouped twice by STATUS", body: q("{ shipmentStats(groupBy: [STATUS, STATUS]) { shipments } }"), expect: "BAD_USER_INPUT" },
      { name: "shipmentStats by an unknown dimension", body: q("{ shipmentStats(groupBy: [COLOUR]) { shipments } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
      { name: "shipmentAggregates(first: 100000)", body: q("{ shipmentAggregates(first: 100000) { bookedVolume { value } } }"), expect: "PAGE_SIZE_EXCEEDED" },
      { name: "shipmentAggregates with a granularity on STATUS", body: q("{ shipmentAggregates(groupBy: [{ dimension: STATUS, granularity: DAY }]) { status } }"), expect: "BAD_USER_INPUT" },
      { name: "shipmentAggregates by an unknown measure", body: q("{ shipmentAggregates(having: [{ measure: HAPPINESS, gt: 1 }]) { status } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
      { name: "scanEventAggregates(first: 100000)", body: q("{ scanEventAggregates(first: 100000) { events } }"), expect: "PAGE_SIZE_EXCEEDED" },
      { name: "scanEventAggregates with a granularity on EVENT_TYPE", body: q("{ scanEventAggregates(groupBy: [{ dimension: EVENT_TYPE, granularity: DAY }]) { events } }"), expect: "BAD_USER_INPUT" },
      { name: "codRemittanceAggregates(first: 100000)", body: q("{ codRemittanceAggregates(first: 100000) { batches } }"), expect: "PAGE_SIZE_EXCEEDED" },
      { name: "codRemittanceAggregates ordered by nothing", body: q("{ codRemittanceAggregates(orderBy: [{ direction: DESC }]) { batches } }"), expect: "BAD_USER_INPUT" },
      { name: "shipment(trackingNumber: check digit wrong)", body: q('{ shipment(trackingNumber: "EE123456789IN") { status } }'), expect: "BAD_USER_INPUT", status: 400 },
      { name: "shipment as anonymous", body: q('{ shipment(trackingNumber: "EQ949022774IN") { status } }'), as: "anonymous", expect: "UNAUTHENTICATED" },
      { name: "shipment COD amount as a VIEWER key", body: q('{ shipment(trackingNumber: "EQ949022774IN") { status codAmount { paise } } }'), as: "viewer", expect: "FORBIDDEN" },
    ];
  },

  cod: () => {
    const remit = "mutation ($input: RecordCodRemittanceInput!) { recordCodRemittance(input: $input) { created } }";
    const input = (overrides: Record<string, unknown>) => ({ input: { reference: "UTR-BAD-1", remittedOn: "2024-09-01", amount: 100, shipments: [{ trackingNumber: "EQ949022774IN" }], ...overrides } });
    return [
      ...[{ amount: -100 }, { amount: 0 }, { amount: 1.005 }, { reference: "x" }, { reference: "'; --" }, { remittedOn: "2999-01-01" }, { shipments: [] }, { shipments: [{ trackingNumber: "PP116215523IN" }] }].map(
        (overrides): BadCase => ({ name: `recordCodRemittance ${JSON.stringify(overrides)}`, body: q(remit, input(overrides)), expect: "BAD_USER_INPUT" }),
      ),
      { name: "recordCodRemittance of a prepaid, undelivered shipment", body: q(remit, input({})), expect: "BAD_USER_INPUT" },
      { name: "recordCodRemittance amount as a string", body: q(remit, input({ amount: "100" })), expect: "BAD_USER_INPUT", status: 400 },
      { name: "codRemittances as a VIEWER key", body: q("{ codRemittances { totalCount } }"), as: "viewer", expect: "FORBIDDEN" },
    ];
  },

  coverage: () => {
    const set = "mutation ($input: SetServiceabilityInput!) { setServiceability(input: $input) { created } }";
    return [
      { name: "coverageTrend backwards", body: q('{ coverageTrend(level: CIRCLE, from: "FY2024-25-Q4", to: "FY2024-25-Q1") { quarter } }'), expect: "BAD_USER_INPUT" },
      { name: "coverageTrend over 40 quarters", body: q('{ coverageTrend(level: NATIONAL, from: "FY2010-11-Q1", to: "FY2024-25-Q1") { quarter } }'), expect: "BAD_USER_INPUT" },
      { name: "coverage at an unknown level", body: q("{ coverage(level: PLANET) { asOf } }"), expect: "GRAPHQL_VALIDATION_FAILED", status: 400 },
      { name: "coverage with a bad quarter", body: q('{ coverage(level: NATIONAL, quarter: "Q0 FY25") { asOf } }'), expect: "BAD_USER_INPUT", status: 400 },
      { name: "serviceability of an Army Postal PIN as a VIEWER key", body: q('{ serviceability(pincode: "900099") { validFrom } }'), as: "viewer", expect: "FORBIDDEN" },
      { name: "coverage as anonymous", body: q("{ coverage(level: NATIONAL) { asOf } }"), as: "anonymous", expect: "UNAUTHENTICATED" },
      ...[
        { pincode: "194401", validFrom: "2024-01-01", channel: "ARMY_POSTAL_SERVICE" },
        { pincode: "900099", validFrom: "2024-01-01", channel: "INDIA_POST" },
        { pincode: "560999", validFrom: "2024-01-01" },
        { pincode: "194401", validFrom: "2024-01-01", validTo: "2023-01-01" },
      ].map((entry): BadCase => ({ name: `setServiceability ${JSON.stringify(entry)}`, body: q(set, { input: { entries: [entry] } }), expect: "BAD_USER_INPUT" })),
      { name: "setServiceability overlapping a stored period", body: q(set, { input: { entries: [{ pincode: "194401", validFrom: "2023-06-01" }] } }), expect: "CONFLICT" },
      { name: "setServiceability overlapping within the batch", body: q(set, { input: { entries: [{ pincode: "744101", validFrom: "2024-01-01" }, { pincode: "744101", validFrom: "2024-03-01" }] } }), expect: "CONFLICT" },
      { name: "setServiceability with 5,001 entries", body: q(set, { input: { entries: Array.from({ length: 5001 }, () => ({ pincode: "744101", validFrom: "2024-01-01" })) } }), expect: "BAD_USER_INPUT" },
    ];
  },

  // Refused at the HTTP boundary before anything recursive (the cache key, the audit log, coercion) reads them.
  nesting: () => {
    const raw = (variables: string, query = "{ circles { name } }") => `{"query":${JSON.stringify(query)},"variables":${variables}}`;
    return [
      { name: "an undeclared variable nested 5,000 deep (a 10 KB body)", raw: raw(`{"x":${nested(5000)}}`), expect: "BAD_REQUEST", status: 400, field: "variables.x" },
      { name: "an undeclared variable: objects nested 5,000 deep", raw: raw(`{"x":${nested(5000, "object")}}`), expect: "BAD_REQUEST", status: 400 },
      { name: "a declared variable nested 5,000 deep", raw: raw(`{"filter":${nested(5000, "object")}}`, officeQuery), expect: "BAD_REQUEST", status: 400, field: "variables.filter" },
      { name: "a mutation's variable nested 5,000 deep", raw: raw(`{"input":${nested(5000)}}`, upsert), expect: "BAD_REQUEST", status: 400 },
      { name: "an operation name unknown, with a variable nested 5,000 deep", raw: `{"query":"query A { circles { name } }","operationName":"B","variables":{"x":${nested(5000)}}}`, expect: "BAD_REQUEST", status: 400 },
      { name: "extensions nested 5,000 deep", raw: `{"query":"{ circles { name } }","extensions":{"x":${nested(5000)}}}`, expect: "BAD_REQUEST", status: 400, field: "extensions.x" },
      { name: "a batch whose second operation nests 5,000 deep", raw: `[{"query":"{ circles { name } }"},${raw(`{"x":${nested(5000)}}`)}]`, expect: "BAD_REQUEST", status: 400, field: "[1].variables.x" },
      { name: "variables nested 100,000 deep (200 KB)", raw: raw(`{"x":${nested(100_000)}}`), expect: "BAD_REQUEST", status: 400 },
      // Node refuses request lines over 16 KB (431) before the handler: 1,500 levels fit.
      { name: "a GET with variables nested 1,500 deep", method: "GET", search: `?query=${encodeURIComponent("{ circles { name } }")}&variables=${encodeURIComponent(`{"x":${nested(1500)}}`)}`, expect: "BAD_REQUEST", status: 400, field: "variables.x" },
      { name: "a variable nested 20 deep (within the limit, unused)", raw: raw(`{"x":${nested(20)}}`), expect: "OK" },
    ];
  },

  // Every way an integer key comes in: global ids (node, root fields, input fields) and cursors.
  ids: ({ officeId }) => {
    const forKey = (key: string) => [
      ...["PostOffice", "Shipment", "PickupLocation", "Circle", "CodRemittance", "ReviewActionItem"].map((type): BadCase => ({
        name: `node(id: ${type}:${key})`,
        body: q("query ($id: ID!) { node(id: $id) { id } }", { id: toGlobalId(type, key) }),
        expect: "INVALID_ID",
        field: "id",
      })),
      { name: `postOffice(id: PostOffice:${key})`, body: q("query ($id: ID!) { postOffice(id: $id) { name } }", { id: toGlobalId("PostOffice", key) }), expect: "INVALID_ID", field: "id" },
      {
        name: `upsertPickupLocation(input.postOfficeId: PostOffice:${key})`,
        body: q(upsert, { input: { code: "BAD-ID", name: "Bad", postOfficeId: toGlobalId("PostOffice", key), city: "Leh", activeFrom: "2024-01-01", dailyCapacity: 10 } }),
        expect: "INVALID_ID",
        field: "input.postOfficeId",
      },
      {
        name: `recordShipments(deliveryOfficeId: PostOffice:${key})`,
        body: q("mutation ($input: RecordShipmentsInput!) { recordShipments(input: $input) { created } }", {
          input: { shipments: [{ trackingNumber: "RR287043775IN", bookedAt: "2024-08-05T10:00:00+05:30", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 500, pickupLocationCode: "LEH-HO", destinationPincode: "194401", deliveryOfficeId: toGlobalId("PostOffice", key) }] },
        }),
        expect: "INVALID_ID",
        field: "input.shipments[0].deliveryOfficeId",
      },
      {
        name: `recordScanEvents(officeId: PostOffice:${key})`,
        body: q("mutation ($input: RecordScanEventsInput!) { recordScanEvents(input: $input) { created } }", {
          input: { events: [{ trackingNumber: "EQ949022774IN", occurredAt: "2024-08-06T10:00:00+05:30", event: "Item Bagged", officeId: toGlobalId("PostOffice", key) }] },
        }),
        expect: "INVALID_ID",
        field: "input.events[0].officeId",
      },
      {
        name: `updateActionItem(id: ReviewActionItem:${key})`,
        body: q("mutation ($input: UpdateActionItemInput!) { updateActionItem(input: $input) { updated } }", { input: { id: toGlobalId("ReviewActionItem", key), status: "DONE" } }),
        expect: "INVALID_ID",
        field: "input.id",
      },
    ];
    const big = 2 ** 31;
    const cursor = (...items: unknown[]) => Buffer.from(JSON.stringify(items), "utf8").toString("base64url");
    const cursors: [string, string, string][] = [
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", encodeCursor(["2024-08-05T04:30:00.000Z", big])],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("2024-08-05T04:30:00.000Z", -1)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("2024-08-05T04:30:00.000Z", 1.5)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", encodeCursor(["1", 5])],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", encodeCursor(["2024-02-30T00:00:00.000Z", 5])],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", encodeCursor(["2024-08-05T04:30:00.000Z\u0000", 5])],
      ["shipments (oldest first)", "{ shipments(first: 2, after: $a, orderBy: [{ field: BOOKED_AT }]) { totalCount } }", cursor("BOOKED_AT+", "2024-08-05T04:30:00.000Z", big)],
      // Cursors of the order they name, each with a value PostgreSQL would refuse or another order's signature.
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("BOOKED_AT-", "2024-02-30T00:00:00.000Z", 5)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("BOOKED_AT-", "2024-01-01T24:00:00.000Z", 5)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("BOOKED_AT-", "2024-01-01T00:00:00.000+16:00", 5)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("BOOKED_AT-", "2024-08-05T04:30:00.000Z", big)],
      ["shipments", "{ shipments(first: 2, after: $a) { totalCount } }", cursor("BOOKED_AT+", "2024-08-05T04:30:00.000Z", 5)],
      ["shipments (by weight)", "{ shipments(first: 2, after: $a, orderBy: [{ field: WEIGHT_GRAMS }]) { totalCount } }", cursor("WEIGHT_GRAMS+", big, 5)],
      ["shipments (by delivery day)", "{ shipments(first: 2, after: $a, orderBy: [{ field: DELIVERY_DATE }]) { totalCount } }", cursor("DELIVERY_DATE+", "2024-02-30", 5)],
      ["shipments (by status)", "{ shipments(first: 2, after: $a, orderBy: [{ field: STATUS }]) { totalCount } }", cursor("STATUS+", "NOT_A_STATUS", 5)],
      ["shipments (backwards)", "{ shipments(last: 2, before: $a) { totalCount } }", cursor("BOOKED_AT-", "2024-08-05T04:30:00.000Z", NUL)],
      ["PickupLocation.shipments", '{ pickupLocation(code: "LEH-HO") { shipments(first: 2, after: $a) { totalCount } } }', encodeCursor(["2024-08-05T04:30:00.000Z", big])],
      ["Pincode.shipments", '{ pincode(code: "194401") { shipments(first: 2, after: $a) { totalCount } } }', encodeCursor(["2024-08-05T04:30:00.000Z", big])],
      ["postOffices", "{ postOffices(first: 2, after: $a) { totalCount } }", encodeCursor(["NAME_ASC", "Leh", big])],
      ["postOffices", "{ postOffices(first: 2, after: $a) { totalCount } }", encodeCursor(["NAME_ASC", NUL, 5])],
      ["pincodes", "{ pincodes(first: 2, after: $a) { totalCount } }", encodeCursor([NUL])],
      ["codRemittances", "{ codRemittances(first: 2, after: $a) { totalCount } }", encodeCursor(["2024-09-01", big])],
      ["codRemittances", "{ codRemittances(first: 2, after: $a) { totalCount } }", encodeCursor(["yesterday", 5])],
      ["codRemittances", "{ codRemittances(first: 2, after: $a) { totalCount } }", encodeCursor(["2024-02-30", 5])],
      ["Pincode.postOffices", '{ pincode(code: "194101") { postOffices(first: 2, after: $a) { totalCount } } }', encodeCursor(["NAME_ASC", "Leh", big])],
      ["scanEvents", "{ scanEvents(first: 2, after: $a) { totalCount } }", cursor("OCCURRED_AT-", "2024-02-30T00:00:00.000Z", 5)],
      ["scanEvents (by type)", "{ scanEvents(first: 2, after: $a, orderBy: [{ field: EVENT_TYPE }]) { totalCount } }", cursor("EVENT_TYPE+", "NOT_A_SCAN", 5)],
      ["scanEvents (backwards)", "{ scanEvents(last: 2, before: $a) { totalCount } }", cursor("OCCURRED_AT-", "2024-08-05T04:30:00.000Z", big)],
    ];
    return [
      ...OUT_OF_RANGE_KEYS.flatMap(forKey),
      { name: "node(id:) of the largest key (no such row)", body: q("query ($id: ID!) { node(id: $id) { id } }", { id: toGlobalId("PostOffice", 2 ** 31 - 1) }), expect: "OK" },
      { name: "postOffice(id:) of a real office", body: q("query ($id: ID!) { postOffice(id: $id) { name } }", { id: officeId }), expect: "OK" },
      ...cursors.map(([field, selection, after]): BadCase => ({ name: `${field}(after: ${JSON.stringify(Buffer.from(after, "base64url").toString("utf8"))})`, body: q(`query ($a: String) ${selection}`, { a: after }), expect: "INVALID_CURSOR" })),
    ];
  },

  // U+0000 in any text input, as a variable or a literal: one check covers every String field.
  nul: ({ officeId }) => {
    const location = { code: "BAD-NUL", name: "Bad", postOfficeId: officeId, city: "Leh", activeFrom: "2024-01-01", dailyCapacity: 10 };
    const shipmentFilter = "query ($f: ShipmentFilter) { shipments(filter: $f, first: 3) { totalCount } }";
    return [
      ...["name", "city", "code"].map((field): BadCase => ({ name: `upsertPickupLocation input.${field} with NUL`, body: q(upsert, { input: { ...location, [field]: NUL } }), expect: "BAD_USER_INPUT", status: 400, field: `variables.input.${field}` })),
      ...["destinationState", "destinationCircle"].map((field): BadCase => ({ name: `shipments(filter.${field}) with NUL`, body: q(shipmentFilter, { f: { [field]: NUL } }), expect: "BAD_USER_INPUT", status: 400, field: `variables.f.${field}` })),
      { name: "shipments(filter.destinationState) literal with NUL", body: q('{ shipments(filter: { destinationState: "Leh\\u0000" }, first: 3) { totalCount } }'), expect: "BAD_USER_INPUT", status: 400, field: "filter.destinationState" },
      { name: "codRemittance(reference:) literal with NUL", body: q('{ codRemittance(reference: "UTR\\u00001") { reference } }'), expect: "BAD_USER_INPUT", status: 400, field: "reference" },
      { name: "codRemittance(reference:) variable with NUL", body: q("query ($r: String!) { codRemittance(reference: $r) { reference } }", { r: "UTR\u00001" }), expect: "BAD_USER_INPUT", status: 400, field: "variables.r" },
      { name: "pickupLocation(code:) with NUL", body: q("query ($c: String!) { pickupLocation(code: $c) { code } }", { c: NUL }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "postOffices(filter.division) with NUL", body: q(officeQuery, { filter: { division: NUL } }), expect: "BAD_USER_INPUT", status: 400 },
      {
        name: "recordCodRemittance reference with NUL",
        body: q("mutation ($input: RecordCodRemittanceInput!) { recordCodRemittance(input: $input) { created } }", { input: { reference: "UTR\u0000", remittedOn: "2024-09-01", amount: 100, shipments: [{ trackingNumber: "EQ949022774IN" }] } }),
        expect: "BAD_USER_INPUT",
        status: 400,
      },
      {
        name: "recordScanEvents officeName with NUL",
        body: q("mutation ($input: RecordScanEventsInput!) { recordScanEvents(input: $input) { created } }", { input: { events: [{ trackingNumber: "EQ949022774IN", occurredAt: "2024-08-06T10:00:00+05:30", event: "Item Bagged", officeName: NUL }] } }),
        expect: "BAD_USER_INPUT",
        status: 400,
      },
      {
        name: "updateActionItem note with NUL",
        body: q("mutation ($input: UpdateActionItemInput!) { updateActionItem(input: $input) { updated } }", { input: { id: toGlobalId("ReviewActionItem", 1), status: "DONE", note: NUL } }),
        expect: "BAD_USER_INPUT",
        status: 400,
      },
      { name: "an unused variable with NUL", body: q("{ circles { name } }", { x: NUL }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "a variable's key with NUL", body: q(officeQuery, { filter: { ["st\u0000ate"]: "Delhi" } }), expect: "BAD_USER_INPUT", status: 400 },
      { name: "a variable's default value with NUL", body: q('query ($s: String = "a\\u0000") { postOffices(filter: { state: $s }, first: 1) { totalCount } }'), expect: "BAD_USER_INPUT", status: 400, field: "$s" },
      { name: "a NUL inside an upsert literal", body: q('mutation { upsertPickupLocation(input: { code: "BAD-NUL", name: "a\\u0000", postOfficeId: "x", city: "c", activeFrom: "2024-01-01", dailyCapacity: 1 }) { created } }'), expect: "BAD_USER_INPUT", status: 400, field: "input.name" },
    ];
  },
};

/**
 * The corpus runs against each engine twice: with the test settings (response cache off), as a client of the
 * current media type (application/graphql-response+json), and with the production defaults (NODE_ENV=production:
 * response cache on), as a client that sends no Accept type of its own (application/json).
 */
const SETTINGS = [
  { settings: "test settings", env: {}, accept: "application/graphql-response+json" },
  { settings: "production defaults", env: { NODE_ENV: "production" }, accept: undefined },
] as const;
const MATRIX = engines.flatMap((engine) => SETTINGS.map((settings) => ({ engine, ...settings })));

/**
 * GraphQL over HTTP: a request error (parse, validation, variables that do not coerce) answers 400 in
 * application/graphql-response+json and 200 in application/json; limits and malformed requests keep their 4xx.
 */
const REQUEST_ERRORS = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);
function expectedStatus(badCase: BadCase, accept: string | undefined): number | undefined {
  const legacy = accept === undefined;
  return legacy && badCase.status === 400 && REQUEST_ERRORS.has(badCase.expect) ? 200 : badCase.status;
}

describe.each(MATRIX)("the bad-input corpus over HTTP on $engine with the $settings", ({ engine, settings, env, accept }) => {
  let db: TestDatabase;
  let server: TestServer;
  let keys: Record<"admin" | "viewer", string>;
  let officeId: string;
  let before: Record<string, string>;
  const context = { get officeId() { return officeId; } };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname, {});
    server = await startTestServer(db.database, { ...env, DAKGRAPH_RATE_LIMIT_BURST: "100000", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "100000" });
    keys = {
      admin: (await createApiKey(db.database.db, { name: "corpus admin", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key,
      viewer: (await createApiKey(db.database.db, { name: "corpus viewer", organisation: "AMAZON", roles: ["VIEWER"] })).key,
    };
    const offices = await server.request({ query: '{ postOffices(filter: { pincode: "194101" }, first: 1) { nodes { id } } }' });
    officeId = offices.body.data.postOffices.nodes[0].id;
    const created = await server.request(
      { query: upsert, variables: { input: { code: "LEH-HO", name: "Leh", postOfficeId: officeId, city: "Leh", activeFrom: "2022-01-01", dailyCapacity: 50 } } },
      { headers: { authorization: `Bearer ${keys.admin}` } },
    );
    expect(created.body.errors).toBeUndefined();
    const admin = { headers: { authorization: `Bearer ${keys.admin}` } };
    const shipment = await server.request(
      {
        query: "mutation ($input: RecordShipmentsInput!) { recordShipments(input: $input) { created } }",
        variables: { input: { shipments: [{ trackingNumber: "EQ949022774IN", bookedAt: "2024-08-05T10:00:00+05:30", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 500, pickupLocationCode: "LEH-HO", destinationPincode: "194401" }] } },
      },
      admin,
    );
    expect(shipment.body.errors).toBeUndefined();
    const serviceable = await server.request(
      { query: "mutation ($input: SetServiceabilityInput!) { setServiceability(input: $input) { created } }", variables: { input: { entries: [{ pincode: "194401", validFrom: "2023-01-01" }] } } },
      admin,
    );
    expect(serviceable.body.errors).toBeUndefined();
    before = await databaseFingerprint(db.database);
  });
  // The tally of outcomes, printed at the end: the codes a client of this corpus sees, and how often.
  const outcomes = new Map<string, number>();
  afterAll(async () => {
    await server?.close();
    await db?.drop();
    console.info(`bad-input corpus on ${engine} with the ${settings}: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(", ")}`);
  });

  // Cases are built lazily (they need the office id), so the table is listed by name up front.
  const table = Object.entries(DOMAINS).flatMap(([domain, build]) => build({ officeId: "placeholder" }).map((c, index) => [domain, index, c.name] as const));

  it("holds at least 120 cases", () => {
    expect(table.length).toBeGreaterThanOrEqual(120);
  });

  it.each(table)("%s #%i: %s", async (domain, index) => {
    const badCase = DOMAINS[domain]!(context)[index]!;
    const as = badCase.as ?? "admin";
    const headers: Record<string, string> = {
      ...(as === "admin" || as === "viewer" ? { authorization: `Bearer ${keys[as]}` } : {}),
      ...(as === "broken" ? { authorization: "Token abc" } : {}),
      ...(badCase.contentType === undefined ? {} : { "content-type": badCase.contentType }),
      ...(accept === undefined ? {} : { accept }),
    };
    let result;
    if (badCase.method === "GET") {
      const response = await fetch(`${server.url}${badCase.search ?? ""}`, { headers: { ...headers, "apollo-require-preflight": "1" } });
      result = { status: response.status, body: await response.json() };
    } else {
      result = await server.request(badCase.body, { headers, ...(badCase.raw === undefined ? {} : { raw: badCase.raw }) });
    }
    expect(result.status, JSON.stringify(result.body).slice(0, 400)).toBeLessThan(500);
    const status = expectedStatus(badCase, accept);
    if (status !== undefined) expect(result.status).toBe(status);
    const errors = Array.isArray(result.body) ? result.body.flatMap((r: { errors?: unknown[] }) => r.errors ?? []) : (result.body.errors ?? []);
    const outcome = errors.length === 0 ? "OK" : errors[0].extensions?.code;
    expect(outcome, JSON.stringify(result.body).slice(0, 400)).toBe(badCase.expect);
    if (badCase.field !== undefined) expect(errors[0].extensions.field).toBe(badCase.field);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    expect(JSON.stringify(result.body)).not.toMatch(/\bat .*\.(ts|js):\d+|stacktrace|select .* from /i);
    expect(await databaseFingerprint(db.database)).toEqual(before);
  });

  it("still answers after the corpus", async () => {
    const result = await server.request({ query: '{ pincode(code: "194401") { code } }' });
    expect(result.body.data.pincode.code).toBe("194401");
  });

  // Last: it writes. Upserts are idempotent, concurrent ones included (INSERT … ON CONFLICT in the repository).
  it("answers 10 concurrent upserts of one new code without an error: one creates it, nine find it unchanged (5 codes)", async () => {
    const admin = { headers: { authorization: `Bearer ${keys.admin}` } };
    for (let round = 1; round <= 5; round += 1) {
      const input = { code: `RACE-${round}`, name: "Race", postOfficeId: officeId, city: "Leh", activeFrom: "2024-01-01", dailyCapacity: 10 };
      const replies = await Promise.all(Array.from({ length: 10 }, () => server.request(q(upsert, { input }), admin)));
      expect(replies.map((reply) => [reply.status, reply.body.errors])).toEqual(replies.map(() => [200, undefined]));
      const total = (field: "created" | "updated" | "unchanged") => replies.reduce((sum, reply) => sum + reply.body.data.upsertPickupLocation[field], 0);
      expect([total("created"), total("updated"), total("unchanged")]).toEqual([1, 0, 9]);
      const stored = await server.request({ query: `{ pickupLocation(code: "RACE-${round}") { code name } }` }, admin);
      expect(stored.body.data.pickupLocation).toEqual({ code: `RACE-${round}`, name: "Race" });
    }
  });
});
