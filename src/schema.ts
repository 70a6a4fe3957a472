import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { ViewerResolver } from "./modules/access/access.resolver.js";
import { applyInputAccess, type InputDeclarations } from "./modules/access/access.inputs.js";
import { applyAccessDescriptions, authChecker } from "./modules/access/access.roles.js";
import { shipmentInputAccess } from "./modules/shipment/shipment.args.js";
import { scanEventInputAccess } from "./modules/shipment/scan-event.args.js";
import { ScanEventsResolver } from "./modules/shipment/scan-event.resolver.js";
import { scanEventAggregateInputAccess } from "./modules/shipment/scan-event-aggregate.args.js";
import { ScanEventAggregateResolver } from "./modules/shipment/scan-event-aggregate.resolver.js";
import { shipmentAggregateInputAccess } from "./modules/shipment/shipment-aggregate.args.js";
import { ShipmentAggregateResolver } from "./modules/shipment/shipment-aggregate.resolver.js";
import { pincodeInputAccess } from "./modules/pincode/pincode.args.js";
import { postOfficeInputAccess } from "./modules/post-office/post-office.args.js";
import { CodRemittanceCycleResolver } from "./modules/cod-remittance/cod-remittance-cycle.resolver.js";
import { codRemittanceInputAccess, CodRemittanceResolver } from "./modules/cod-remittance/cod-remittance.resolver.js";
import { codRemittanceAggregateInputAccess } from "./modules/cod-remittance/cod-remittance-aggregate.args.js";
import { CodRemittanceAggregateResolver } from "./modules/cod-remittance/cod-remittance-aggregate.resolver.js";
import { ServiceNormResolver } from "./modules/service-norm/service-norm.resolver.js";
import {
  CoverageResolver,
  NearbyOfficeResolver,
  PickupLocationNearbyResolver,
  PincodeCoverageResolver,
  ServiceabilityResolver,
  ShipmentDistanceResolver,
  coverageInputAccess,
} from "./modules/coverage/coverage.resolver.js";
import { CoverageMapResolver, coverageMapInputAccess } from "./modules/coverage-map/coverage-map.resolver.js";
import { KpiResolver, kpiInputAccess, MetricGrowthResolver } from "./modules/kpi/kpi.resolver.js";
import { NodeResolver, nodeInputAccess } from "./modules/node/node.resolver.js";
import { applyReferenceResolvers } from "./modules/federation/federation.references.js";
import { FederationResolver, federationInputAccess } from "./modules/federation/federation.resolver.js";
import { PickupLocationResolver, pickupLocationInputAccess, PostOfficePickupLocationsResolver } from "./modules/pickup-location/pickup-location.resolver.js";
import { ProductResolver, productInputAccess } from "./modules/product/product.resolver.js";
import { ProvenanceResolver } from "./modules/provenance/provenance.resolver.js";
import {
  MetricTargetResolver,
  QuarterlyReviewReportResolver,
  QuarterlyReviewResolver,
  ReviewActionItemResolver,
  ReviewResolver,
  reviewInputAccess,
} from "./modules/review/review.resolver.js";
import {
  PickupLocationShipmentsResolver,
  PincodeShipmentsResolver,
  ScanEventResolver,
  ShipmentResolver,
} from "./modules/shipment/shipment.resolver.js";
import { ShipmentStatsResolver } from "./modules/shipment/shipment-stats.resolver.js";
import { ShipmentSubscriptionResolver, shipmentSubscriptionInputAccess } from "./modules/shipment/shipment.subscription.js";
import { KpiSubscriptionResolver, kpiSubscriptionInputAccess } from "./modules/kpi/kpi.subscription.js";
import { CHANGE_PUBSUB } from "./lib/change-events.js";
import { PincodeResolver } from "./modules/pincode/pincode.resolver.js";
import { PostOfficeResolver } from "./modules/post-office/post-office.resolver.js";
import type { TypeProjection } from "./lib/projection.js";
import { CircleResolver, DivisionResolver, RegionResolver } from "./modules/postal-hierarchy/postal-hierarchy.resolver.js";

/** The one list of resolvers. */
export const RESOLVERS = [
  ViewerResolver,
  NodeResolver,
  PostOfficeResolver,
  PincodeResolver,
  CircleResolver,
  RegionResolver,
  DivisionResolver,
  PickupLocationResolver,
  PostOfficePickupLocationsResolver,
  ProductResolver,
  ShipmentResolver,
  ScanEventResolver,
  ShipmentStatsResolver,
  ScanEventsResolver,
  ShipmentAggregateResolver,
  ScanEventAggregateResolver,
  PickupLocationShipmentsResolver,
  PincodeShipmentsResolver,
  CodRemittanceResolver,
  CodRemittanceAggregateResolver,
  CoverageResolver,
  PincodeCoverageResolver,
  CoverageMapResolver,
  ServiceabilityResolver,
  NearbyOfficeResolver,
  PickupLocationNearbyResolver,
  ShipmentDistanceResolver,
  ProvenanceResolver,
  KpiResolver,
  MetricGrowthResolver,
  ServiceNormResolver,
  CodRemittanceCycleResolver,
  ReviewResolver,
  QuarterlyReviewReportResolver,
  QuarterlyReviewResolver,
  ReviewActionItemResolver,
  MetricTargetResolver,
  FederationResolver,
  ShipmentSubscriptionResolver,
  KpiSubscriptionResolver,
] as const;

/** The one list of input access declarations: what each argument, input field and group-by value selects rows by. */
export const INPUT_ACCESS: readonly InputDeclarations[] = [
  shipmentInputAccess,
  scanEventInputAccess,
  shipmentAggregateInputAccess,
  scanEventAggregateInputAccess,
  pincodeInputAccess,
  postOfficeInputAccess,
  pickupLocationInputAccess,
  productInputAccess,
  nodeInputAccess,
  codRemittanceInputAccess,
  codRemittanceAggregateInputAccess,
  coverageInputAccess,
  coverageMapInputAccess,
  kpiInputAccess,
  reviewInputAccess,
  federationInputAccess,
  shipmentSubscriptionInputAccess,
  kpiSubscriptionInputAccess,
  // The generated filter and order inputs (src/lib/query-inputs.ts): made when the modules' argument classes loaded.
  QUERY.declarations(),
];

export { PROJECTIONS } from "./projections.js";
import { QUERY } from "./projections.js";

export async function createSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: RESOLVERS,
    validate: false,
    emitSchemaFile: false,
    // The checker throws UNAUTHENTICATED / FORBIDDEN itself (see access.roles.ts), so the mode never applies.
    authChecker,
    // The subscriptions' events (src/lib/change-events.ts), fed by each database's change feed.
    pubSub: CHANGE_PUBSUB,
  });
  applyAccessDescriptions(schema);
  applyInputAccess(schema, INPUT_ACCESS);
  applyReferenceResolvers(schema);
  // type-graphql offers no option for the root types' descriptions.
  const query = schema.getQueryType();
  if (query !== null && query !== undefined) query.description = QUERY_DESCRIPTION;
  const mutation = schema.getMutationType();
  if (mutation !== null && mutation !== undefined) mutation.description = MUTATION_DESCRIPTION;
  const subscription = schema.getSubscriptionType();
  if (subscription !== null && subscription !== undefined) subscription.description = SUBSCRIPTION_DESCRIPTION;
  return schema;
}

const MUTATION_DESCRIPTION =
  "Writes. Every mutation takes one `input` and returns a payload with counts (created / updated / unchanged) and " +
  "the affected objects; it is idempotent (a retry of the same input changes nothing) and all-or-nothing (after " +
  "an error the database is unchanged).";

const SUBSCRIPTION_DESCRIPTION =
  "Live changes, over a WebSocket at the graph's own path (the graphql-ws protocol, `graphql-transport-ws`; send the API key " +
  "or token as `Authorization` in the connection_init payload). Each event is the changed row read again for the subscriber, " +
  "with the same field roles and postal-circle limit as a query; a write's event goes out when its transaction commits, to " +
  "subscribers on every server process sharing the database. Limits per socket: DAKGRAPH_MAX_SUBSCRIPTIONS_PER_SOCKET " +
  "subscriptions and DAKGRAPH_MAX_SUBSCRIPTION_EVENTS_PER_SECOND events a second.";

const QUERY_DESCRIPTION =
  "dakgraph: one graph over India Post's post-office network for the Amazon India x India Post (Department of Posts) " +
  "partnership. Post-office directory: All India Pincode Directory, Department of Posts, data.gov.in, under the " +
  "Government Open Data Licence – India.";

const HEADER = `# dakgraph GraphQL schema. Generated by \`npm run schema:emit\` from the resolvers in src/: do not edit.
# A test fails when this file and the code disagree.
`;

/** The schema as committed in schema/schema.graphql: sorted, with a generated-file header. */
export function printSchemaSdl(schema: GraphQLSchema): string {
  return `${HEADER}\n${printSchema(lexicographicSortSchema(schema))}\n`;
}
