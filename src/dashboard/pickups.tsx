/**
 * The pickup-locations panel: every location open during the quarter, its utilisation (ANALYST and ADMIN keys not
 * limited to a circle: the graph's PICKUP_UTILISATION KPI, read from quarterlyReview) or, for other keys, its
 * bookings in the quarter (BOOKED_VOLUME by location), and its latest shipments. One request either way (src/operations/dashboard-panels.graphql), after the key's panel scope (panel-scope.ts).
 */
import "./panels.css";
import { useEffect, useState } from "preact/hooks";
import {
  type DashboardPickupLocationFieldsFragment,
  DashboardPickupLocationsDocument,
  DashboardPickupUtilisationDocument,
  type DashboardPickupUtilisationQuery,
} from "../generated/operations.js";
import { quarterHeading, quarterWindow } from "../lib/dashboard-panels.js";
import { formatIndianNumber, formatIst, formatKpiFigure, lastCompleteFiscalQuarter } from "../lib/indian-format.js";
import { request } from "./graph.js";
import { panelScope } from "./panel-scope.js";

/** Shipments listed per location: enough to see what is moving, few enough for 13 cards on a phone. */
const LATEST = 5;

type Utilisation = NonNullable<DashboardPickupUtilisationQuery["quarterlyReview"]>["pickupUtilisation"][number]["metric"];

interface PickupRow {
  location: DashboardPickupLocationFieldsFragment;
  /** Null when the key may not read the KPI (the card shows the quarter's bookings instead). */
  utilisation: Utilisation | null;
  /** Parcels booked in the quarter (BOOKED_VOLUME by location); null where the utilisation's numerator says it. */
  bookedInQuarter: number | null;
}

async function fetchPickups(apiKey: string, quarter: string): Promise<PickupRow[]> {
  const scope = await panelScope(apiKey);
  if (scope.readsReview) {
    const data = await request(apiKey, DashboardPickupUtilisationDocument, { quarter, latest: LATEST });
    return (data.quarterlyReview?.pickupUtilisation ?? []).map((row) => ({ location: row.pickupLocation, utilisation: row.metric, bookedInQuarter: null }));
  }
  const data = await request(apiKey, DashboardPickupLocationsDocument, { ...quarterWindow(quarter), latest: LATEST });
  // A location with no booking in the quarter has no group: it booked 0.
  const booked = new Map((data.bookedInQuarter ?? []).map((group) => [group.pickupLocation?.code, group.bookedVolume?.value ?? 0]));
  return data.pickupLocations.map((location) => ({ location, utilisation: null, bookedInQuarter: booked.get(location.code) ?? 0 }));
}

function UtilisationFigure({ metric }: { metric: Utilisation }) {
  const value = formatKpiFigure(metric.value, metric.unit).exact;
  const target = metric.target === null ? null : formatKpiFigure(metric.target, metric.unit).exact;
  return (
    <div class="utilisation" title={metric.definition}>
      <div class="utilisation-line">
        <span class="utilisation-value">{value}</span> <span class="muted">of committed capacity</span>
      </div>
      {/* <meter> rather than a styled bar: the page's CSP allows no inline style attributes. */}
      {metric.value !== null && <meter min={0} max={100} low={50} high={100} optimum={90} value={Math.min(100, metric.value)} aria-label="Utilisation" />}
      <div class="muted">
        <span class="handed-over">{metric.numerator === null ? "–" : formatIndianNumber(metric.numerator)}</span> parcels handed over of{" "}
        <span class="capacity">{metric.denominator === null ? "–" : formatIndianNumber(metric.denominator)}</span> committed
      </div>
      {target !== null && (
        <div class={`pickup-target ${metric.targetMet === true ? "met" : metric.targetMet === false ? "missed" : ""}`}>
          Target ≥ {target}: {metric.targetMet === true ? "met" : metric.targetMet === false ? "not met" : "–"}
        </div>
      )}
    </div>
  );
}

function PickupCard({ row }: { row: PickupRow }) {
  const { location, utilisation } = row;
  const shipments = location.shipments;
  return (
    <article class="pickup" data-code={location.code}>
      <header>
        <strong class="pickup-code">{location.code}</strong> <span class="pickup-name">{location.name}</span>
        <div class="muted">
          {location.city}
          {location.state !== null && `, ${location.state}`} · {location.postOffice.name} · {formatIndianNumber(location.dailyCapacity)} parcels a day
          {location.validTo !== null && ` · closed after ${location.validTo}`}
        </div>
      </header>
      {utilisation !== null ? (
        <UtilisationFigure metric={utilisation} />
      ) : (
        <div class="utilisation">
          <span class="booked">{formatIndianNumber(row.bookedInQuarter ?? 0)}</span> <span class="muted">parcels booked in the quarter</span>
        </div>
      )}
      <table class="latest">
        <caption>
          Latest bookings, IST (<span class="booked-total">{formatIndianNumber(shipments?.totalCount ?? 0)}</span> since it opened)
        </caption>
        <tbody>
          {(shipments?.nodes ?? []).map((shipment) => (
            <tr key={shipment.trackingNumber + shipment.bookedAt}>
              <td class="tracking-number">{shipment.trackingNumber}</td>
              <td class="status">{shipment.status}</td>
              <td class="booked-at">
                <time dateTime={shipment.bookedAt}>{formatIst(shipment.bookedAt)}</time>
              </td>
            </tr>
          ))}
          {(shipments?.nodes.length ?? 0) === 0 && (
            <tr>
              <td colSpan={3} class="muted">
                No bookings yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </article>
  );
}

/** The panel; `quarter` ("FY2026-27-Q2") defaults to the last complete quarter. Shown to every signed-in key. */
export function PickupsPanel({ apiKey, quarter = lastCompleteFiscalQuarter(new Date()) }: { apiKey: string; quarter?: string }) {
  const [rows, setRows] = useState<PickupRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setRows(null);
    setError(null);
    fetchPickups(apiKey, quarter).then(setRows, (e: Error) => setError(e.message));
  }, [apiKey, quarter]);
  const withUtilisation = rows?.some((row) => row.utilisation !== null) ?? false;
  return (
    <section class="panel pickups" id="pickups-panel" aria-busy={rows === null && error === null}>
      <h2>Pickup locations: {quarterHeading(quarter)}</h2>
      {error !== null && <p class="error">{error}</p>}
      {rows !== null && (
        <p class="muted panel-note">
          {formatIndianNumber(rows.length)} locations open during the quarter, by code.{" "}
          {withUtilisation
            ? "Utilisation: parcels handed over in the quarter ÷ committed capacity (daily capacity × days open in the quarter)."
            : "Utilisation figures are for ANALYST keys not limited to a postal circle."}
        </p>
      )}
      {rows === null && error === null && <p class="loading">Loading the pickup locations…</p>}
      {rows !== null && (
        <div class="pickup-cards">
          {rows.map((row) => (
            <PickupCard key={row.location.code} row={row} />
          ))}
        </div>
      )}
    </section>
  );
}
