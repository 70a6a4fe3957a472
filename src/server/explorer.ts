import type { IncomingMessage, ServerResponse } from "node:http";
import { type RuruClientConfig, ruruHTML } from "ruru/server";
import { serveStatic } from "ruru/static";
import { ATTRIBUTION_TEXT, COORDINATES_ATTRIBUTION, DIRECTORY_ATTRIBUTION } from "./attribution.js";

/**
 * The GraphQL explorer (Ruru, a GraphiQL build from the npm registry). Every
 * asset is served from this server under /explorer/static/, so it works with
 * no internet access.
 */
export const EXPLORER_STATIC_PATH = "/explorer/static/";

/**
 * The explorer's CSV example: the public directory needs no key, so the link works from a browser as it is.
 * test/export.test.ts fetches it.
 */
export const EXPORT_EXAMPLE = `/export?operation=SearchPostOffices&variables=${encodeURIComponent(JSON.stringify({ filter: { pincode: "194401" } }))}`;

export const EXPLORER_EXAMPLES = `# dakgraph explorer. Press the run button and pick an operation.
#
# Post-office directory: ${DIRECTORY_ATTRIBUTION.dataset},
#   ${DIRECTORY_ATTRIBUTION.provider};
#   source: ${DIRECTORY_ATTRIBUTION.source}, ${DIRECTORY_ATTRIBUTION.datasetUrl}
#   licence: ${DIRECTORY_ATTRIBUTION.licence}, ${DIRECTORY_ATTRIBUTION.licenceUrl}
# PIN positions the directory lacks: ${COORDINATES_ATTRIBUTION.dataset}, ${COORDINATES_ATTRIBUTION.datasetUrl}
#   licence: ${COORDINATES_ATTRIBUTION.licence}, ${COORDINATES_ATTRIBUTION.licenceUrl}

# The post offices of PIN 194401: Nubra Valley, Ladakh (Diskit S.O and its branch offices).
query NubraValleyOffices {
  pincode(code: "194401") {
    code
    primaryState
    primaryDistrict
    isArmyPostal
    location { latitude longitude quality }
    postOffices(first: 20) {
      totalCount
      nodes { name officeType delivery district division { name region { name circle { name } } } }
    }
  }
}

# Name search: case-insensitive substring.
query SearchDiskit {
  postOffices(filter: { nameContains: "diskit" }, first: 10) {
    totalCount
    nodes { id name officeType pincode { code primaryState } }
  }
}

# Andaman & Nicobar Islands: the 7441xx-7443xx PINs (West Bengal circle).
query AndamanPins {
  pincodes(filter: { codePrefix: "744" }, first: 25) {
    totalCount
    nodes { code officeCount primaryDistrict primaryCircle { name } }
  }
}

# The postal circles with their office and PIN counts.
query Circles {
  circles { name officeCount pincodeCount regions { name officeCount } }
}

# The queries below read partnership data: set the Authorization header (Headers tab) to
# {"Authorization": "Bearer <key>"} with the key the first start printed. Shipments, scans and
# remittances from \`dakgraph seed demo\` are SYNTHETIC (their \`synthetic\` field says so).

# Pickup locations open on the MoU day, with their latest shipments and each one's last scan.
query PickupDashboard {
  pickupLocations(asOf: "2024-10-04") {
    code name dailyCapacity synthetic
    shipments(first: 5) {
      totalCount
      nodes { trackingNumber bookedAt status destinationPincode deliveryOffice { name } lastEvent { eventType occurredAt } }
    }
  }
}

# Delivered volume per month in Q3 FY2024-25 (Oct-Dec 2024) by destination circle, with on-time % (registered,
# for CSV export, as DeliveredPerMonthByCircle with $from and $to): the
# measures are the KPIs (kpiDefinitions). Grouping by a circle needs OPERATOR.
query DeliveredPerMonthInQ3ByCircle {
  shipmentAggregates(
    where: { deliveryDate: { gte: "2024-10-01", lte: "2024-12-31" } }
    groupBy: [{ dimension: DELIVERED_AT, granularity: MONTH }, { dimension: DESTINATION_CIRCLE }]
    orderBy: [{ dimension: DELIVERED_AT }, { measure: DELIVERED_VOLUME, direction: DESC }]
  ) {
    deliveredAt { label start end }
    destinationCircle
    deliveredVolume { value }
    onTimeDelivery { value numerator denominator }
  }
}

# The analysts' daily questions (README "Asking questions" has each answer on the demo data). Change the
# variables' defaults in the Variables tab; each is also a registered operation, so it exports as CSV (below).

# COD parcels delivered late in a quarter (Q3 FY2024-25 here: set $from and $to to this quarter's days) in Assam,
# by product. Filtering by the destination's state needs OPERATOR, codCollected FINANCE.
query LateCodDeliveriesByProduct($from: Date! = "2024-10-01", $to: Date! = "2024-12-31", $state: String! = "Assam") {
  shipmentAggregates(
    where: { paymentMode: { eq: COD }, onTime: { eq: false }, deliveryDate: { gte: $from, lte: $to }, destination: { primaryState: { eq: $state } } }
    groupBy: [{ dimension: PRODUCT }]
    orderBy: [{ measure: DELIVERED_VOLUME, direction: DESC }]
  ) {
    productCode
    deliveredVolume { value }
    codCollected { value }
    transitDaysMean { value }
  }
}

# Deliverable PINs not yet serviceable on a day: the coverage gap, by state. A PIN is deliverable unless the
# directory says it has no delivery office (the npm-sourced directory does not say: unknown counts as deliverable,
# as coverage counts it). Filtering by serviceability needs a key.
query DeliverablePinsNotServiceable($asOf: Date! = "2026-12-03", $first: Int = 50, $after: String) {
  pincodes(
    where: { or: [{ isDeliverable: { eq: true } }, { isDeliverable: { isNull: true } }], not: { serviceableAsOf: $asOf } }
    orderBy: [{ field: PRIMARY_STATE }, { field: CODE }]
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { code primaryState primaryDistrict primaryCircle { name } }
  }
}

# COD cash collected at delivery but not remitted after 14 days, largest amount first: set $deliveredBefore to
# now minus 14 days. codStatus, codAmount and ordering by COD_AMOUNT need FINANCE.
query CodNotRemitted($deliveredBefore: DateTime! = "2026-11-19T00:00:00+05:30", $first: Int = 50, $after: String) {
  shipments(
    where: { codStatus: { eq: COLLECTED }, deliveredAt: { lt: $deliveredBefore } }
    orderBy: [{ field: COD_AMOUNT, direction: DESC }]
    first: $first
    after: $after
  ) {
    totalCount
    nodes { trackingNumber bookingDate deliveredAt codAmount { rupees } pickupLocation { code } }
    pageInfo { hasNextPage endCursor }
  }
}

# These tracking numbers, now: up to 500 in one filter (paste them into $trackingNumbers), each booking's status
# and last scan. A number reused after 12 months answers once per booking.
query ShipmentsByTrackingNumber($trackingNumbers: [String!]! = ["EK000000019IN"], $first: Int = 500, $after: String) {
  shipments(where: { trackingNumber: { in: $trackingNumbers } }, first: $first, after: $after) {
    nodes { trackingNumber bookingDate status deliveredAt lastEvent { eventType occurredAt officeName } }
    pageInfo { hasNextPage endCursor }
  }
}

# Failed delivery attempts of one pickup location's shipments, newest first, with India Post's reason: scans are
# filtered through the shipment they scan (any ShipmentWhere field) and ordered by their own or its fields.
query FailedAttemptsByPickupLocation($pickupLocation: String! = "SYN-DEL", $first: Int = 50, $after: String) {
  scanEvents(
    where: { eventType: { eq: DELIVERY_ATTEMPTED }, shipment: { pickupLocation: { code: { eq: $pickupLocation } } } }
    first: $first
    after: $after
  ) {
    totalCount
    nodes { occurredAt failedReason rawText shipment { trackingNumber bookingDate status } }
    pageInfo { hasNextPage endCursor }
  }
}

# CSV export: a registered operation (src/operations, \`dakgraph operations\`) whose one root field is a connection
# or a list comes as a file from GET /export?operation=<name>&variables=<JSON>, with the same Authorization header.
# A connection is paged through to its end. The offices of PIN 194401 (public: no key needed; the link at the bottom):
#   ${EXPORT_EXAMPLE}
# Every shipment, with COD amounts (a key with OPERATOR and FINANCE):
#   curl -H "Authorization: Bearer <key>" -o shipments.csv 'http://localhost:4000/export?operation=ShipmentsExport'
# README "Exporting to CSV" has the columns, the error line and \`dakgraph export\`.

# Reach by postal circle in Q2 FY2024-25: serviceable and active PINs, Army locations, remote PINs.
query CoverageByCircle {
  coverage(level: CIRCLE, asOf: "2024-09-30", quarter: "Q2 FY25") {
    areas { area pinsTotal pinsServiceable pinsActive armyLocationsServed remotePinsServed shipmentsDelivered shareServed { percent } }
  }
}
`;

export function renderExplorer(endpoint: string): string {
  const footer =
    `<div id="dakgraph-attribution" title="${ATTRIBUTION_TEXT}">Post-office data: ` +
    `<a href="${DIRECTORY_ATTRIBUTION.datasetUrl}">${DIRECTORY_ATTRIBUTION.dataset}</a>, Department of Posts, ` +
    `data.gov.in, <a href="${DIRECTORY_ATTRIBUTION.licenceUrl}">${DIRECTORY_ATTRIBUTION.licence}</a>; ` +
    `some PIN positions <a href="${COORDINATES_ATTRIBUTION.datasetUrl}">${COORDINATES_ATTRIBUTION.provider}</a>, ` +
    `<a href="${COORDINATES_ATTRIBUTION.licenceUrl}">CC BY 4.0</a>. ` +
    `CSV export: <a href="${EXPORT_EXAMPLE.replaceAll("&", "&amp;")}" download>the offices of PIN 194401</a> (any registered operation, see the examples).</div>`;
  return ruruHTML({
    staticPath: EXPLORER_STATIC_PATH,
    endpoint,
    clientConfig: { initialQuery: EXPLORER_EXAMPLES, isHeadersEditorEnabled: true } as RuruClientConfig,
    htmlParts: {
      titleTag: "<title>dakgraph explorer</title>",
      styleTags: (original) =>
        `${original}<style>#ruru-root{height:calc(100vh - 26px)}` +
        "#dakgraph-attribution{height:26px;box-sizing:border-box;padding:5px 12px;font:12px/16px system-ui,sans-serif;" +
        "background:#f3f0e8;color:#333;border-top:1px solid #d8d2c4;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}" +
        "#dakgraph-attribution a{color:#8a3b12}</style>",
      bodyContent: (original) => `${original}${footer}`,
    },
  });
}

const staticHandler = serveStatic(EXPLORER_STATIC_PATH);

export function serveExplorerAsset(req: IncomingMessage, res: ServerResponse): void {
  staticHandler(req, res, () => {
    res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
  });
}
