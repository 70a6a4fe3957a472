import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isObjectType,
  parse,
  type OperationDefinitionNode,
} from "graphql";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { applyInputAccess, BY_VALUE, INPUT_ACCESS_EXTENSION, type InputAccess, inputAccessOf, reachableInputs, type ReachableInput, UNSELECTIVE } from "../src/modules/access/access.inputs.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { ACCESS_EXTENSION, PUBLIC, Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import type { TypeProjection } from "../src/lib/projection.js";
import { createSchema, INPUT_ACCESS, PROJECTIONS } from "../src/schema.js";
import { SingleStatementPlans } from "../src/server/single-statement.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";
import { startTestServer, type TestServer } from "./support/http.js";

/*
 * Access through every way in (issue 17): an argument, filter field or group-by value needs the roles of
 * the output field whose value it selects rows by. The inputs are enumerated from the schema, as the role
 * matrix of test/access.test.ts enumerates output fields: an input added later without a declaration
 * fails here, and every restricted one is tried with real queries.
 */

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;
const ARMY_PIN = "910208";
const OTHER_ARMY_PIN = "910209";
const CIVILIAN_PIN = "110001";

const declared = new Map(INPUT_ACCESS.flatMap((module) => Object.entries(module)));
const inputsOf = (schema: GraphQLSchema) => reachableInputs(schema, (coordinate) => declared.get(coordinate) === BY_VALUE);
const ruleOf = (input: ReachableInput) => inputAccessOf(input.element);
const restrictedRule = (rule: InputAccess | undefined) => {
  const marked = (access: InputAccess["access"]) => access !== undefined && !(access.roles.includes(PUBLIC) && access.armyPostal === undefined);
  return marked(rule?.access) || marked(rule?.through?.access);
};
const restricted = (input: ReachableInput) => restrictedRule(ruleOf(input));

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EB${digits}${s10CheckDigit(digits)}IN`;
}

describe("every input declares the output field it selects by", () => {
  let schema: GraphQLSchema;
  let inputs: ReachableInput[];
  const spare: GraphQLSchema[] = [];
  /** A schema of its own for a test that applies declarations again (they append to descriptions). */
  const createSchemaSync = () => spare.pop()!;
  beforeAll(async () => {
    schema = await createSchema();
    inputs = inputsOf(schema);
    spare.push(await createSchema(), await createSchema());
  });

  it("declares every argument, filter field and group-by value reachable from Query, and reads the roles from that field's own mark", () => {
    const undeclared = inputs.filter((input) => ruleOf(input) === undefined).map((input) => input.coordinate);
    expect(undeclared).toEqual([]);
    for (const input of inputs) {
      const rule = ruleOf(input)!;
      const named = input.kind === "enumValue" ? schema.getType(input.type)! : getNamedType((input.element as GraphQLArgument).type);
      if (rule.marker === "byValue") expect(isEnumType(named), `${input.coordinate} is BY_VALUE`).toBe(true);
      if (rule.marker === "byField") expect(isInputObjectType(named), `${input.coordinate} is BY_FIELD`).toBe(true);
      // Besides scalars, the enums that pick how rows are sorted or aggregate groups are cut and listed, never which rows are read.
      if (rule.marker === "unselective") expect(["Int", "Float", "String", "OrderDirection", "AggregateGranularity"], `${input.coordinate} is UNSELECTIVE`).toContain(named.name);
      if (rule.marker === "operator") expect(input.coordinate, "an operator of a generated filter input").toMatch(/^\w+Filter\.\w+$/);
      if (rule.mirrors !== null) {
        const [type, field] = rule.mirrors.split(".");
        const output = (schema.getType(type!) as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[field!]!;
        // The same object: one declaration, read by the output check and the input check alike.
        expect(rule.access, input.coordinate).toBe(output.extensions[ACCESS_EXTENSION]);
      }
      if (restricted(input)) expect(input.element.description, input.coordinate).toMatch(/Usable by: .* It selects by /);
    }
    console.log(
      `access inputs: ${inputs.length} inputs checked (${inputs.filter((i) => i.kind === "argument").length} arguments, ` +
        `${inputs.filter((i) => i.kind === "inputField").length} input fields, ${inputs.filter((i) => i.kind === "enumValue").length} group-by values), ` +
        `${inputs.filter(restricted).length} restricted`,
    );
    expect(inputs.filter(restricted).length).toBeGreaterThan(0);
  });

  it("treats every grouping argument value by value", () => {
    const grouping = inputs.filter((i) => i.kind !== "enumValue" && /^(groupBy|by|level|kind|dimension|measure)$/.test(i.coordinate.replace(/^.*[.(]|:\)$/g, "")));
    expect(grouping.map((i) => i.coordinate).sort()).toEqual(
      [
        "KpiScopeInput.kind",
        "Query.coverage(level:)",
        "Query.coverageTrend(level:)",
        "Query.kpiBreakdown(by:)",
        "Query.shipmentStats(groupBy:)",
        "Query.shipmentAggregates(groupBy:)",
        "ShipmentAggregateGroupBy.dimension",
        "ShipmentAggregateHaving.measure",
        "ShipmentAggregateOrder.dimension",
        "ShipmentAggregateOrder.measure",
        "Query.scanEventAggregates(groupBy:)",
        "ScanEventAggregateGroupBy.dimension",
        "ScanEventAggregateHaving.measure",
        "ScanEventAggregateOrder.dimension",
        "ScanEventAggregateOrder.measure",
        "Query.codRemittanceAggregates(groupBy:)",
        "CodRemittanceAggregateGroupBy.dimension",
        "CodRemittanceAggregateHaving.measure",
        "CodRemittanceAggregateOrder.dimension",
        "CodRemittanceAggregateOrder.measure",
      ].sort(),
    );
    for (const input of grouping) {
      // A list of grouping objects is declared field by field; the enum inside each is by value.
      const named = getNamedType((input.element as GraphQLArgument).type);
      expect(ruleOf(input)!.marker, input.coordinate).toBe(isInputObjectType(named) ? "byField" : "byValue");
    }
    const dimensions = inputs.filter((i) => i.kind === "enumValue" && i.type === "ShipmentDimension").map((i) => i.coordinate);
    const dimension = schema.getType("ShipmentDimension");
    expect(isEnumType(dimension)).toBe(true);
    expect(dimensions).toHaveLength(isEnumType(dimension) ? dimension.getValues().length : -1);
  });

  it("refuses at build a declaration naming what the schema lacks, and a restricted input on an unmarked field", async () => {
    expect(() => applyInputAccess(createSchemaSync(), [...INPUT_ACCESS, { "Query.shipments(near:)": UNSELECTIVE }])).toThrow(/Query.shipments\(near:\)/);
    const renamed = INPUT_ACCESS.map((m) => ("ShipmentFilter.armyPostal" in m ? { ...m, "ShipmentFilter.armyPostal": "Shipment.isArmy" } : m));
    expect(() => applyInputAccess(createSchemaSync(), renamed)).toThrow(/Shipment.isArmy/);
    // A restricted rule on the argument of a field that carries no mark: the checker would never see it.
    const unmarked = await createSchema();
    const growth = (unmarked.getType("Metric") as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields().growth!;
    const pin = inputsOf(schema).find((i) => i.coordinate === "ShipmentFilter.destinationPincode")!;
    (growth.args[0] as { extensions: Record<string, unknown> }).extensions = { [INPUT_ACCESS_EXTENSION]: ruleOf(pin) };
    expect(() => applyInputAccess(unmarked, [])).toThrow(/Metric.growth takes a restricted input but carries no access mark/);
  });
});

interface Route {
  /** The root field and argument the input is given through, and the argument's type. */
  readonly field: string;
  readonly argument: string;
  readonly argumentType: string;
  readonly value: (sample: unknown) => unknown;
}

/**
 * Where a restricted input can be given: a Query argument, a field of a Query argument's input type (or of an input
 * type nested in it, not through and / or / not), or a value of an enum some of those take.
 */
function routesTo(schema: GraphQLSchema, input: ReachableInput, root = schema.getQueryType()!): Route[] {
  const routes: Route[] = [];
  const wrap = (type: GraphQLInputType, inner: (v: unknown) => unknown) => (v: unknown) => (String(type).startsWith("[") ? [inner(v)] : inner(v));
  /** The paths from `type` to the input element, as value builders; `seen` stops cycles. */
  const within = (type: GraphQLInputType, seen: Set<string>): ((v: unknown) => unknown)[] => {
    const named = getNamedType(type);
    if (isEnumType(named)) return named.getValues().includes(input.element as never) ? [(v) => v] : [];
    if (!isInputObjectType(named) || seen.has(named.name)) return [];
    const found: ((v: unknown) => unknown)[] = [];
    for (const field of Object.values(named.getFields())) {
      if (["and", "or", "not"].includes(field.name)) continue;
      if (field === input.element) found.push((v) => ({ [field.name]: v }));
      // Not through a restricted input (a relation such as ShipmentWhere.destination): its own roles would apply too.
      else if (!restrictedRule(inputAccessOf(field))) {
        for (const inner of within(field.type, new Set([...seen, named.name]))) found.push((v) => ({ [field.name]: wrap(field.type, inner)(v) }));
      }
    }
    return found;
  };
  for (const field of Object.values(root.getFields())) {
    for (const arg of field.args) {
      const base = { field: field.name, argument: arg.name, argumentType: String(arg.type) };
      if (input.element === arg) routes.push({ ...base, value: (v) => v });
      else for (const path of within(arg.type, new Set())) routes.push({ ...base, value: wrap(arg.type, path) });
    }
  }
  return routes;
}

/** A value of a scalar or enum input type that selects something, an Army Postal one when asked. */
function scalarSample(schema: GraphQLSchema, type: string, army: boolean): unknown {
  if (type === "PIN") return army ? ARMY_PIN : CIVILIAN_PIN;
  if (type === "Boolean") return true;
  if (type === "String") return "Delhi";
  if (type === "Float" || type === "Int") return 1;
  if (type === "Date") return "2024-01-01";
  if (type === "DateTime") return "2024-01-01T00:00:00Z";
  if (type === "FiscalQuarter") return "FY2024-25-Q2";
  const named = schema.getType(type);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  return undefined;
}

/** A value of the input's type that selects something, an Army Postal one when asked. */
function sample(schema: GraphQLSchema, input: ReachableInput, army: boolean): unknown {
  if (input.kind === "enumValue") return (input.element as { name: string }).name;
  const type = input.type.replace(/[[\]!]/g, "");
  const named = schema.getType(type);
  if (isInputObjectType(named)) {
    // An operator input: its equality (a PIN's value when the input mirrors a PIN); a relation's filter: no condition.
    const eq = named.getFields().eq;
    if (eq === undefined) return {};
    const value = input.coordinate.endsWith("Pincode") ? (army ? ARMY_PIN : CIVILIAN_PIN) : scalarSample(schema, getNamedType(eq.type).name, army);
    return { eq: value };
  }
  const value = scalarSample(schema, type, army);
  if (value === undefined) throw new Error(`No sample value for ${input.coordinate} (${input.type}): add one`);
  return value;
}

/** The smallest selection of a type: its first open leaf field. */
function selection(schema: GraphQLSchema, type: GraphQLNamedType): string {
  if (!isObjectType(type)) return "";
  const leaf = Object.values(type.getFields()).find((f) => f.args.length === 0 && f.extensions[ACCESS_EXTENSION] === undefined && isLeafType(getNamedType(f.type)));
  return `{ ${leaf?.name ?? "__typename"} }`;
}

const hasAny = (roles: readonly Role[], wanted: readonly Role[]) => roles.includes(Role.ADMIN) || wanted.some((r) => roles.includes(r));

/** The viewers to try an input with: anonymous, each role alone, and each pair of a base role with an Army Postal role. */
function viewersFor(rule: InputAccess): { name: string; viewer: Viewer; roles: Role[] }[] {
  const singles = Object.values(Role).map((role) => [role]);
  const pairs = (rule.access!.roles as Role[]).flatMap((base) => (rule.access!.armyPostal ?? []).map((army) => [base, army]));
  return [
    { name: "anonymous", viewer: anonymousViewer(), roles: [] },
    ...[...singles, ...pairs].map((roles) => ({ name: roles.join("+"), viewer: testViewer(roles), roles })),
  ];
}

describe.each(engines)("inputs need the roles of what they select by, on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let server: TestServer;
  let schema: GraphQLSchema;
  const COD = s10(71000001);
  const ARMY = s10(71000002);
  const LADAKH = s10(71000003);
  const booking = (trackingNumber: string, pin: string, extra: Record<string, unknown> = {}) => ({
    trackingNumber,
    bookedAt: "2024-08-05T10:00:00+05:30",
    productCode: "SPEED_POST",
    paymentMode: "PREPAID",
    weightGrams: 500,
    pickupLocationCode: "DEL-1",
    destinationPincode: pin,
    ...extra,
  });
  const recordShipments = "mutation ($input: RecordShipmentsInput!) { recordShipments(input: $input) { created unchanged } }";

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    server = await startTestServer(db.database);
    schema = await createSchema();
    const office = root(await graph.execute(SearchPostOfficesDocument, { filter: { pincode: CIVILIAN_PIN }, first: 1 }), "postOffices").nodes[0]!.id;
    const pickup = await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-1", name: "Delhi point", postOfficeId: office, city: "New Delhi", activeFrom: "2023-01-01", dailyCapacity: 100 },
    });
    expect(pickup.errors).toBeUndefined();
    const recorded = await graph.execute(recordShipments, {
      input: {
        shipments: [
          booking(COD, CIVILIAN_PIN, { paymentMode: "COD", codAmount: 750 }),
          booking(ARMY, ARMY_PIN, { armyPostOffice: "APO_56" }),
          booking(LADAKH, "194401"),
        ],
      },
    });
    expect(recorded.errors).toBeUndefined();
  });
  afterAll(async () => {
    await server?.close();
    await graph?.stop();
    await db?.drop();
  });

  it("tries every restricted input with real queries: refused with the field's denial to viewers lacking its roles, answered to those holding them", async () => {
    const checked: string[] = [];
    for (const input of inputsOf(schema).filter(restricted)) {
      const declared = ruleOf(input)!;
      // An order key read through a relation: when the leaf is open to all, the relation's roles are the ones it needs.
      const leafOpen = declared.access === undefined || (declared.access.roles.includes(PUBLIC) && declared.access.armyPostal === undefined);
      const rule: InputAccess = declared.through !== undefined && leafOpen ? { ...declared, access: declared.through.access, mirrors: declared.through.field } : declared;
      const routes = routesTo(schema, input);
      // Inputs only a subscription takes are tried over the WebSocket by test/subscriptions.test.ts.
      if (routes.length === 0 && routesTo(schema, input, schema.getSubscriptionType()!).length > 0) continue;
      expect(routes.length, `${input.coordinate} is reachable from a Query argument`).toBeGreaterThan(0);
      const variants = rule.armyPostal === undefined ? [false] : [false, true];
      let denied = 0;
      let allowed = 0;
      for (const route of routes) {
        const returnType = getNamedType(schema.getQueryType()!.getFields()[route.field]!.type);
        const query = `query ($v: ${route.argumentType}) { ${route.field}(${route.argument}: $v) ${selection(schema, returnType)} }`;
        for (const army of variants) {
          const variables = { v: route.value(sample(schema, input, army)) };
          for (const { name, viewer, roles } of viewersFor(rule)) {
            const base = rule.access!.roles as Role[];
            const armyRoles = army ? (rule.access!.armyPostal ?? []) : [];
            const passesBase = base.length === 0 || hasAny(roles, base);
            const expected = viewer.kind !== "anonymous" && passesBase && (armyRoles.length === 0 || hasAny(roles, armyRoles));
            const result = await graph.execute(query, variables, { viewer });
            const label = `${input.coordinate} via ${route.field}(${route.argument}:) ${army ? "Army value " : ""}as ${name}`;
            if (expected) {
              expect(result.errors, label).toBeUndefined();
              expect(result.data, label).not.toBeNull();
              allowed += 1;
            } else {
              // Every root field taking a restricted input is nullable (test/access.test.ts): the denial nulls it alone.
              expect(result.data, label).toEqual({ [route.field]: null });
              const error = result.errors![0]!;
              if (viewer.kind === "anonymous") {
                expect(error.extensions!.code, label).toBe("UNAUTHENTICATED");
              } else {
                const required = [...new Set([...(passesBase ? armyRoles : base), Role.ADMIN])];
                expect(error.extensions, label).toMatchObject({ code: "FORBIDDEN", field: input.coordinate, requiredRoles: required, viewerRoles: roles, mirrors: rule.mirrors });
              }
              denied += 1;
            }
            checked.push(label);
          }
        }
      }
      expect(denied, input.coordinate).toBeGreaterThan(0);
      expect(allowed, input.coordinate).toBeGreaterThan(0);
    }
    console.log(`access inputs on ${engine}: ${checked.length} queries sent for ${inputsOf(schema).filter(restricted).length} restricted inputs`);
  });

  const shipmentsQuery = "query ($f: ShipmentFilter) { shipments(filter: $f) { totalCount nodes { trackingNumber } } }";

  it("lists nothing bound for an Army PIN to roles lacking OPERATOR + ARMY_POSTAL, over HTTP on every path", async () => {
    const keys: Record<string, string> = {};
    for (const roles of [["VIEWER"], ["ANALYST"], ["OPERATOR"], ["FINANCE"], ["OPERATOR", "ARMY_POSTAL"]]) {
      keys[roles.join("+")] = (await createApiKey(db.database.db, { name: `inputs ${roles.join("+")}`, organisation: "AMAZON", roles })).key;
    }
    for (const [name, key] of Object.entries(keys)) {
      // Twice: the second request finds its plan and document already cached.
      for (let i = 0; i < 2; i += 1) {
        const result = await server.request({ query: shipmentsQuery, variables: { f: { destinationPincode: ARMY_PIN } } }, { headers: { authorization: `Bearer ${key}` } });
        if (name === "OPERATOR+ARMY_POSTAL") {
          expect(result.body.errors, name).toBeUndefined();
          expect(result.body.data.shipments).toEqual({ totalCount: 1, nodes: [{ trackingNumber: ARMY }] });
        } else {
          expect(result.body.data, name).toEqual({ shipments: null });
          expect(JSON.stringify(result.body), name).not.toContain(ARMY);
          expect(result.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentFilter.destinationPincode" });
        }
      }
    }
  });

  it("lists Army shipments by armyPostal only to OPERATOR or stricter, and hides which shipments are Army ones", async () => {
    const denied = await graph.execute(shipmentsQuery, { f: { armyPostal: true } }, { viewer: testViewer([Role.VIEWER]) });
    expect(denied.data).toEqual({ shipments: null });
    expect(denied.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentFilter.armyPostal", requiredRoles: ["OPERATOR", "ADMIN"], viewerRoles: ["VIEWER"] });
    const listed = await graph.execute(shipmentsQuery, { f: { armyPostal: true } }, { viewer: testViewer([Role.OPERATOR]) });
    expect(listed.data).toEqual({ shipments: { totalCount: 1, nodes: [{ trackingNumber: ARMY }] } });
    const pins = "query ($f: ShipmentFilter) { shipments(filter: $f) { nodes { destinationPincode } } }";
    const noPin = await graph.execute(pins, { f: { armyPostal: true } }, { viewer: testViewer([Role.OPERATOR]) });
    expect(noPin.data).toEqual({ shipments: { nodes: [{ destinationPincode: null }] } });
    expect(noPin.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Shipment.destinationPincode", requiredRoles: ["ARMY_POSTAL", "ADMIN"] });
    const pin = await graph.execute(pins, { f: { armyPostal: true } }, { viewer: testViewer([Role.OPERATOR, Role.ARMY_POSTAL]) });
    expect(pin.data).toEqual({ shipments: { nodes: [{ destinationPincode: ARMY_PIN }] } });
    const kind = await graph.execute("{ shipments(first: 5) { nodes { trackingNumber destinationKind } } }", {}, { viewer: testViewer([Role.VIEWER]) });
    expect(kind.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Shipment.destinationKind" });
    expect(JSON.stringify(kind.data)).not.toContain("ARMY_POSTAL");
  });

  it("makes shipmentStats with aliased PIN filters no oracle for which Army PINs exist", async () => {
    const oracle = `{ a: shipmentStats(filter: { destinationPincode: "${ARMY_PIN}" }) { shipments } b: shipmentStats(filter: { destinationPincode: "${OTHER_ARMY_PIN}" }) { shipments } }`;
    const single = (pin: string) => `{ s: shipmentStats(filter: { destinationPincode: "${pin}" }) { shipments } }`;
    for (const roles of [[Role.ANALYST], [Role.OPERATOR], [Role.VIEWER, Role.FINANCE]]) {
      const viewer = testViewer(roles);
      const aliased = await graph.execute(oracle, {}, { viewer });
      // shipmentStats is nullable: each denied alias is null on its own, with its error.
      expect(aliased.data).toEqual({ a: null, b: null });
      expect(aliased.errors).toHaveLength(2);
      for (const error of aliased.errors!) expect(error.extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentFilter.destinationPincode" });
      // The PIN with a shipment and the one without are refused alike, word for word.
      const [stored, unknown] = [await graph.execute(single(ARMY_PIN), {}, { viewer }), await graph.execute(single(OTHER_ARMY_PIN), {}, { viewer })];
      expect(stored.data).toEqual({ s: null });
      expect(stored.errors).toEqual(unknown.errors);
    }
    const holder = await graph.execute(oracle, {}, { viewer: testViewer([Role.OPERATOR, Role.ARMY_POSTAL]) });
    expect(holder.data).toEqual({ a: [{ shipments: 1 }], b: [{ shipments: 0 }] });
  });

  it("gives an ANALYST no per-shipment destinations through a civilian PIN, state or circle", async () => {
    for (const f of [{ destinationPincode: CIVILIAN_PIN }, { destinationState: "Delhi" }, { destinationCircle: "Delhi" }]) {
      const refused = await graph.execute(shipmentsQuery, { f }, { viewer: testViewer([Role.ANALYST]) });
      expect(refused.data, JSON.stringify(f)).toEqual({ shipments: null });
      expect(refused.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", requiredRoles: ["OPERATOR", "ADMIN"], viewerRoles: ["ANALYST"] });
      const operator = await graph.execute(shipmentsQuery, { f }, { viewer: testViewer([Role.OPERATOR]) });
      expect(operator.data, JSON.stringify(f)).toEqual({ shipments: { totalCount: 1, nodes: [{ trackingNumber: COD }] } });
    }
    const grouped = await graph.execute("{ shipmentStats(groupBy: [DESTINATION_STATE]) { destinationState shipments } }", {}, { viewer: testViewer([Role.ANALYST]) });
    expect(grouped.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentDimension.DESTINATION_STATE" });
    const byStatus = await graph.execute("{ shipmentStats(groupBy: [STATUS]) { status shipments } }", {}, { viewer: testViewer([Role.ANALYST]) });
    expect(byStatus.errors).toBeUndefined();
  });

  it("refuses an Army PIN's shipments and serviceability through the PIN itself to viewers without ARMY_POSTAL", async () => {
    // 900099 (2 CBPO, Kolkata) is one of the few Army Postal PINs in open directory data.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-inputs-"));
    try {
      fs.writeFileSync(
        path.join(dir, "aps.csv"),
        "circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude\n" +
          "Base Circle,APS Region,APS Division,2 CBPO S.O,900099,PO,Delivery,KOLKATA,WEST BENGAL,NA,NA\n",
      );
      await importPostOfficeCsv(db.database, path.join(dir, "aps.csv"), {});
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const kolkata = s10(71000004);
    expect((await graph.execute(recordShipments, { input: { shipments: [booking(kolkata, "900099", { armyPostOffice: "APO_99" })] } })).errors).toBeUndefined();
    const byPin = '{ pincode(code: "900099") { code shipments { totalCount nodes { trackingNumber } } } }';
    const refused = await graph.execute(byPin, {}, { viewer: testViewer([Role.OPERATOR]) });
    expect(refused.data).toEqual({ pincode: { code: "900099", shipments: null } });
    expect(refused.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Pincode.shipments", requiredRoles: ["ARMY_POSTAL", "ADMIN"], viewerRoles: ["OPERATOR"] });
    const holder = await graph.execute(byPin, {}, { viewer: testViewer([Role.OPERATOR, Role.ARMY_POSTAL]) });
    expect(holder.data).toEqual({ pincode: { code: "900099", shipments: { totalCount: 1, nodes: [{ trackingNumber: kolkata }] } } });
    const coverage = '{ pincode(code: "900099") { coverage(asOf: "2024-09-30") { serviceable shipmentsDelivered } } }';
    const hiddenCoverage = await graph.execute(coverage, {}, { viewer: testViewer([Role.ANALYST]) });
    expect(hiddenCoverage.data).toEqual({ pincode: { coverage: null } });
    expect(hiddenCoverage.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Pincode.coverage", requiredRoles: ["ARMY_POSTAL", "ADMIN"] });
    expect((await graph.execute(coverage, {}, { viewer: testViewer([Role.ARMY_POSTAL]) })).errors).toBeUndefined();
    const civilian = await graph.execute(`{ pincode(code: "${CIVILIAN_PIN}") { shipments { totalCount } } }`, {}, { viewer: testViewer([Role.OPERATOR]) });
    expect(civilian.data).toEqual({ pincode: { shipments: { totalCount: 1 } } });

    const periods = await graph.execute(`{ serviceability(pincode: "${ARMY_PIN}") { validFrom } }`, {}, { viewer: testViewer([Role.OPERATOR]) });
    expect(periods.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Query.serviceability(pincode:)", requiredRoles: ["ARMY_POSTAL", "ADMIN"] });
    const civilianPeriods = await graph.execute(`{ serviceability(pincode: "${CIVILIAN_PIN}") { validFrom } }`, {}, { viewer: testViewer([Role.VIEWER]) });
    expect(civilianPeriods.errors).toBeUndefined();
  });

  it("declines in the single statement, whatever path reached it, so the resolvers refuse", async () => {
    // No shipped projection takes a restricted argument today: this one makes Query.shipments answerable by one
    // statement, so that the plans' own check is what stands between the filter and the rows.
    const shipments: TypeProjection = {
      type: "Query",
      fields: {
        shipments: {
          kind: "connection",
          type: "Shipment",
          connectionType: "ShipmentConnection",
          count: () => `(select count(*)::int from shipment where destination_pincode = '${ARMY_PIN}')`,
          source: (_row, as) => `(select * from shipment where destination_pincode = '${ARMY_PIN}') ${as}`,
          order: (as) => `${as}.booked_at desc, ${as}.id desc`,
        },
      },
    };
    const plans = new SingleStatementPlans(schema, [...PROJECTIONS.filter((p) => p.type !== "Query"), shipments], { maxPageSize: 500, publicDirectory: true });
    const text = "query ($f: ShipmentFilter) { shipments(filter: $f) { totalCount nodes { trackingNumber } } }";
    const document = parse(text);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const run = (viewer: Viewer, f: unknown) => plans.run("hash", document, operation, viewer, db.database.db, { f });
    expect(await run(testViewer([Role.VIEWER]), { armyPostal: true })).toBeUndefined();
    expect(await run(testViewer([Role.OPERATOR]), { destinationPincode: ARMY_PIN })).toBeUndefined();
    expect(await run(testViewer([Role.OPERATOR]), { armyPostal: true })).toEqual({ data: { shipments: { totalCount: 1, nodes: [{ trackingNumber: ARMY }] } } });
    // The plan is per audience, the check per request: the same VIEWER plan answers without the filter.
    expect(await run(testViewer([Role.VIEWER]), null)).toEqual({ data: { shipments: { totalCount: 1, nodes: [{ trackingNumber: ARMY }] } } });
  });

  describe("errors never echo a stored value the caller may not read", () => {
    const conflict = async (item: Record<string, unknown>, roles: Role[]) => {
      const result = await graph.execute(recordShipments, { input: { shipments: [item] } }, { viewer: testViewer(roles) });
      expect(result.errors![0]!.extensions!.code).toBe("CONFLICT");
      return result.errors![0]!;
    };

    it("a COD amount only to FINANCE", async () => {
      const resent = booking(COD, CIVILIAN_PIN, { paymentMode: "COD", codAmount: 800 });
      const hidden = await conflict(resent, [Role.OPERATOR]);
      expect(hidden.extensions).not.toHaveProperty("stored");
      // In the input's unit (rupees), the paise named as such.
      expect(hidden.extensions).toMatchObject({ field: "input.shipments[0].codAmount", value: 800, valuePaise: 80000 });
      expect(hidden.message).toContain("differs from the stored value");
      expect(JSON.stringify(hidden)).not.toMatch(/75000|750/);
      const shown = await conflict(resent, [Role.OPERATOR, Role.FINANCE]);
      expect(shown.extensions).toMatchObject({ field: "input.shipments[0].codAmount", value: 800, stored: 750, storedPaise: 75000 });
      expect(shown.message).toContain("stored with codAmount ₹750.00, not ₹800.00");
    });

    it("an Army PIN and its APO only to ARMY_POSTAL", async () => {
      const pin = await conflict(booking(ARMY, OTHER_ARMY_PIN, { armyPostOffice: "APO_56" }), [Role.OPERATOR]);
      expect(pin.extensions).toMatchObject({ field: "input.shipments[0].destinationPincode", value: OTHER_ARMY_PIN });
      expect(JSON.stringify(pin)).not.toContain(ARMY_PIN);
      const apo = await conflict(booking(ARMY, ARMY_PIN, { armyPostOffice: "APO_99" }), [Role.OPERATOR]);
      expect(JSON.stringify(apo)).not.toContain("APO_56");
      const shown = await conflict(booking(ARMY, OTHER_ARMY_PIN, { armyPostOffice: "APO_56" }), [Role.OPERATOR, Role.ARMY_POSTAL]);
      expect(shown.extensions).toMatchObject({ stored: ARMY_PIN });
      // A civilian shipment's PIN is the OPERATOR's to read: shown.
      const civilian = await conflict(booking(LADAKH, CIVILIAN_PIN), [Role.OPERATOR]);
      expect(civilian.extensions).toMatchObject({ stored: "194401" });
    });

    it("the COD sum of a remittance only to FINANCE", async () => {
      const delivered = await graph.execute(
        "mutation ($input: RecordScanEventsInput!) { recordScanEvents(input: $input) { created } }",
        { input: { events: [{ trackingNumber: COD, event: "DELIVERED", occurredAt: "2024-08-07T12:00:00+05:30" }] } },
      );
      expect(delivered.errors).toBeUndefined();
      const remit = "mutation ($input: RecordCodRemittanceInput!) { recordCodRemittance(input: $input) { created } }";
      const input = { reference: "UTR-INPUTS-1", remittedOn: "2024-08-20", amount: 700, shipments: [{ trackingNumber: COD }] };
      const hidden = await graph.execute(remit, { input }, { viewer: testViewer([Role.OPERATOR]) });
      expect(hidden.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount" });
      expect(hidden.errors![0]!.extensions).not.toHaveProperty("shipmentsSumPaise");
      expect(JSON.stringify(hidden.errors)).not.toMatch(/75000|750/);
      const shown = await graph.execute(remit, { input }, { viewer: testViewer([Role.OPERATOR, Role.FINANCE]) });
      expect(shown.errors![0]!.extensions).toMatchObject({ shipmentsSumPaise: 75000 });
    });

    it("an Army location's stored serviceability only to ARMY_POSTAL", async () => {
      const set = "mutation ($input: SetServiceabilityInput!) { setServiceability(input: $input) { created } }";
      expect((await graph.execute(set, { input: { entries: [{ pincode: ARMY_PIN, validFrom: "2024-01-01", validTo: "2024-03-31" }] } })).errors).toBeUndefined();
      const overlapping = { input: { entries: [{ pincode: ARMY_PIN, validFrom: "2024-02-01" }] } };
      const hidden = await graph.execute(set, overlapping, { viewer: testViewer([Role.OPERATOR]) });
      expect(hidden.errors![0]!.extensions!.code).toBe("CONFLICT");
      expect(hidden.errors![0]!.extensions).not.toHaveProperty("stored");
      expect(JSON.stringify(hidden.errors)).not.toContain("2024-03-31");
      const shown = await graph.execute(set, overlapping, { viewer: testViewer([Role.OPERATOR, Role.ARMY_POSTAL]) });
      expect(JSON.stringify(shown.errors![0]!.extensions)).toContain("2024-03-31");
      // The payload's periods are Serviceability rows: an Army location's PIN is ARMY_POSTAL's to read there too.
      const payload = "mutation ($input: SetServiceabilityInput!) { setServiceability(input: $input) { entries { pincode validFrom } } }";
      const added = await graph.execute(payload, { input: { entries: [{ pincode: ARMY_PIN, validFrom: "2025-01-01", validTo: "2025-01-31" }] } }, { viewer: testViewer([Role.OPERATOR]) });
      expect(added.data).toEqual({ setServiceability: { entries: [{ pincode: null, validFrom: "2025-01-01" }] } });
      expect(added.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Serviceability.pincode", requiredRoles: ["ARMY_POSTAL", "ADMIN"] });
    });
  });
});

describe("introspection and suggestions (DAKGRAPH_INTROSPECTION)", () => {
  it("defaults to authenticated in production and all elsewhere, and refuses other values", () => {
    expect(loadConfig({ NODE_ENV: "production" }).introspection).toBe("authenticated");
    expect(loadConfig({}).introspection).toBe("authenticated");
    expect(loadConfig({ NODE_ENV: "development" }).introspection).toBe("all");
    expect(loadConfig({ NODE_ENV: "production", DAKGRAPH_INTROSPECTION: "all" }).introspection).toBe("all");
    expect(() => loadConfig({ DAKGRAPH_INTROSPECTION: "anonymous" })).toThrow(/DAKGRAPH_INTROSPECTION/);
  });

  describe.each(engines)("over HTTP on %s", (engine) => {
    let db: TestDatabase;
    let production: TestServer;
    let off: TestServer;
    let key: string;

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      production = await startTestServer(db.database, { NODE_ENV: "production" });
      off = await startTestServer(db.database, { DAKGRAPH_INTROSPECTION: "off" });
      key = (await createApiKey(db.database.db, { name: "introspection", organisation: "AMAZON", roles: ["VIEWER"] })).key;
    });
    afterAll(async () => {
      await production?.close();
      await off?.close();
      await db?.drop();
    });

    const schemaQuery = "{ __schema { queryType { name } } }";
    const typeInFragment = 'query { ...F } fragment F on Query { __type(name: "Shipment") { name } }';
    const typo = "{ pincodez(first: 1) { totalCount } }";

    it("refuses anonymous introspection in production, with no suggestions that spell out the schema", async () => {
      for (const query of [schemaQuery, typeInFragment]) {
        const refused = await production.request({ query });
        expect(refused.status, query).toBe(401);
        expect(refused.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
        expect(JSON.stringify(refused.body)).not.toContain("Shipment\",\"fields");
      }
      const typename = await production.request({ query: "{ __typename }" });
      expect(typename.body).toEqual({ data: { __typename: "Query" } });
      const misspelt = await production.request({ query: typo });
      expect(misspelt.body.errors[0].message).toMatch(/Cannot query field "pincodez"/);
      expect(misspelt.body.errors[0].message).not.toMatch(/Did you mean/);
      const badEnum = await production.request({ query: "query ($g: [ShipmentDimension!]) { shipmentStats(groupBy: $g) { shipments } }", variables: { g: ["STATU"] } });
      expect(badEnum.body.errors[0].message).toMatch(/STATU/);
      expect(badEnum.body.errors[0].message).not.toMatch(/Did you mean|"STATUS"/);
    });

    it("answers introspection and suggestions to a caller with a key", async () => {
      const headers = { authorization: `Bearer ${key}` };
      const allowed = await production.request({ query: schemaQuery }, { headers });
      expect(allowed.body).toEqual({ data: { __schema: { queryType: { name: "Query" } } } });
      const misspelt = await production.request({ query: typo }, { headers });
      expect(misspelt.body.errors[0].message).toMatch(/Did you mean "pincode/);
    });

    it("refuses introspection to everyone when off", async () => {
      const refused = await off.request({ query: schemaQuery }, { headers: { authorization: `Bearer ${key}` } });
      expect(refused.status).toBe(403);
      expect(refused.body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", field: "__schema" });
    });
  });
});
