/**
 * The dashboard (GET /dashboard): a Preact single-page app over the graph. Every request is a generated typed
 * operation (src/generated/operations.ts) sent by its persisted-document id, never as text, so the page runs
 * under the operation allowlist like any partner's client. Built by src/dashboard/build.mjs.
 */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import {
  DashboardShipmentLiveDocument,
  DashboardCoverageMapDocument,
  DashboardMapSummaryDocument,
  type DashboardMapSummaryQuery,
  DashboardTrackShipmentDocument,
  type DashboardTrackShipmentQuery,
  DashboardViewerDocument,
  type DashboardViewerQuery,
} from "../generated/operations.js";
import { fiscalQuarterLastDay, fitBox, type GeoBox, INDIA_BOX, MAP_ASPECT, type PinClass, project } from "../lib/coverage-map.js";
import { formatIndianNumber, formatIst, lastCompleteFiscalQuarter } from "../lib/indian-format.js";
import { readsKpis } from "../lib/kpi-trend.js";
import { request, requestWhenIdle } from "./graph.js";
import { PickupsPanel } from "./pickups.js";
import { ReviewPanel } from "./reviews.js";
import { KpiPanels } from "./kpis.js";
import { live } from "./live.js";

// sessionStorage, not localStorage: the key is gone when the tab closes, and it never goes into a URL.
const KEY_STORAGE = "dakgraph.dashboard.key";

function SignIn(props: { onKey: (key: string) => void; error: string | null }) {
  const [key, setKey] = useState("");
  return (
    <form
      class="panel signin"
      onSubmit={(event) => {
        event.preventDefault();
        if (key.trim() !== "") props.onKey(key.trim());
      }}
    >
      <h2>Sign in</h2>
      <label for="api-key">API key</label>
      <input id="api-key" type="password" autocomplete="off" value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder="dk_… or a JWT" />
      <button type="submit">Sign in</button>
      {props.error !== null && <p class="error" role="alert">{props.error}</p>}
      <p class="hint">The key stays in this tab (sessionStorage) and is sent only to this server.</p>
    </form>
  );
}

type Tracked = NonNullable<DashboardTrackShipmentQuery["shipment"]>;

function Tracking({ apiKey }: { apiKey: string }) {
  const [number, setNumber] = useState("");
  const [shipment, setShipment] = useState<Tracked | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const search = (event: Event) => {
    event.preventDefault();
    setMessage(null);
    setShipment(null);
    request(apiKey, DashboardTrackShipmentDocument, { trackingNumber: number.trim().toUpperCase() }).then(
      (data) => (data.shipment === null ? setMessage(`No shipment ${number.trim().toUpperCase()}.`) : setShipment(data.shipment)),
      (e: Error) => setMessage(e.message),
    );
  };
  // The timeline moves as India Post scans the parcel (src/dashboard/live.ts).
  const tracked = shipment?.trackingNumber;
  useEffect(
    () => (tracked === undefined ? undefined : live(apiKey, DashboardShipmentLiveDocument, { trackingNumbers: [tracked] }, (event) => event.shipmentUpdated !== null && setShipment(event.shipmentUpdated))),
    [apiKey, tracked],
  );
  return (
    <section class="panel tracking" id="tracking-panel">
      <h2>Track a shipment</h2>
      <form class="track-form" onSubmit={search}>
        <label for="tracking-number">Tracking number</label>
        <input id="tracking-number" value={number} onInput={(e) => setNumber(e.currentTarget.value)} placeholder="EK000000019IN" />
        <button type="submit">Track</button>
      </form>
      {message !== null && <p class="error">{message}</p>}
      {shipment !== null && (
        <div class="shipment">
          <p>
            <strong>{shipment.trackingNumber}</strong> {shipment.productCode}, booked {formatIst(shipment.bookedAt)}: <strong>{shipment.status}</strong>
            {shipment.promisedDate !== null && `, promised by ${shipment.promisedDate}`}
            {shipment.onTime !== null && (shipment.onTime ? ", on time" : ", late")}
          </p>
          <ol class="timeline">
            {shipment.events.map((event) => (
              <li key={event.occurredAt + event.eventType}>
                <time dateTime={event.occurredAt}>{formatIst(event.occurredAt)}</time> <span class="event">{event.eventType}</span>
                {event.failedReason !== null && <span class="reason"> ({event.failedReason})</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </section>
  );
}

/** The map's colours, legend order. */
const PIN_CLASSES: { key: PinClass; label: string; colour: string; definition: string }[] = [
  { key: "ACTIVE", label: "Active", colour: "#1d6b2f", definition: "had a delivery in the quarter" },
  { key: "SERVED", label: "Served", colour: "#e0a31b", definition: "serviceable on the quarter's last day, no delivery in it" },
  { key: "NOT_SERVED", label: "Not served", colour: "#b8b2a6", definition: "neither serviceable on the quarter's last day nor delivered to" },
  { key: "HIDDEN", label: "Outside your circle", colour: "#6f8fb8", definition: "the graph gives this key no coverage for the PIN" },
];

interface MapPoint {
  code: string;
  latitude: number;
  longitude: number;
  circle: string;
  pinClass: PinClass;
}

/**
 * Every drawable PIN in one request (Query.coverageMap: parallel lists, about 37 bytes of JSON a PIN), turned into points. The
 * class is the graph's (HIDDEN where the key may not read the PIN's coverage). Sent once the page's other requests are
 * answered, so the KPI tiles, the first render, never wait behind it.
 */
async function fetchMapPoints(apiKey: string, quarter: string, asOf: string): Promise<MapPoint[]> {
  const { coverageMap: map } = await requestWhenIdle(apiKey, DashboardCoverageMapDocument, { quarter, asOf });
  return map.codes.map((code, i) => {
    const circle = map.circleIndexes[i];
    return {
      code,
      latitude: map.latitudes[i]!,
      longitude: map.longitudes[i]!,
      circle: circle === null || circle === undefined ? "" : map.circles[circle]!,
      pinClass: map.classes[i]!,
    };
  });
}

/** Draws the points in one pass over them (one path per colour, filled once each), `box` filling the canvas. */
function drawMap(canvas: HTMLCanvasElement, points: readonly MapPoint[], box: GeoBox): Record<PinClass, number> {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const scale = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d")!;
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.clearRect(0, 0, width, height);
  const paths = Object.fromEntries(PIN_CLASSES.map((c) => [c.key, new Path2D()])) as Record<PinClass, Path2D>;
  const counts = Object.fromEntries(PIN_CLASSES.map((c) => [c.key, 0])) as Record<PinClass, number>;
  const size = width < 400 ? 1.5 : 2;
  for (const point of points) {
    const { x, y } = project(point.latitude, point.longitude, width, height, box);
    // Active PINs are few (about 1 in 150 on the demo data): a larger dot keeps them visible among the rest.
    const side = point.pinClass === "ACTIVE" ? size + 1.5 : size;
    paths[point.pinClass].rect(x - side / 2, y - side / 2, side, side);
    counts[point.pinClass] += 1;
  }
  // Not served underneath, active on top: the served network reads first.
  for (const pin of [...PIN_CLASSES].reverse()) {
    context.fillStyle = pin.colour;
    context.fill(paths[pin.key]);
  }
  return counts;
}

function CoverageMap({ apiKey }: { apiKey: string }) {
  const quarter = lastCompleteFiscalQuarter(new Date());
  const asOf = fiscalQuarterLastDay(quarter);
  const [points, setPoints] = useState<MapPoint[] | null>(null);
  const [summary, setSummary] = useState<DashboardMapSummaryQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [circle, setCircle] = useState("");
  const [counts, setCounts] = useState<Record<PinClass, number> | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    fetchMapPoints(apiKey, quarter, asOf).then(setPoints, (e: Error) => setError(e.message));
    request(apiKey, DashboardMapSummaryDocument, { asOf, quarter }).then(setSummary, (e: Error) => setError(e.message));
  }, [apiKey, quarter, asOf]);
  const circles = useMemo(() => [...new Set((points ?? []).map((p) => p.circle).filter((c) => c !== ""))].sort(), [points]);
  const shown = useMemo(() => (points ?? []).filter((p) => circle === "" || p.circle === circle), [points, circle]);
  useEffect(() => {
    if (points === null || canvas.current === null) return;
    // All circles: India's box; one circle: zoomed to its PINs, so a small circle is not a speck.
    const box = circle === "" ? INDIA_BOX : fitBox(shown);
    const redraw = () => setCounts(drawMap(canvas.current!, shown, box));
    redraw();
    window.addEventListener("resize", redraw);
    return () => window.removeEventListener("resize", redraw);
  }, [points, shown, circle]);
  const national = summary?.coverage.areas[0];
  const drawn = counts === null ? null : Object.values(counts).reduce((a, b) => a + b, 0);
  return (
    <section class="panel coverage-map" id="map-panel" aria-busy={points === null && error === null}>
      <h2>Coverage map: {quarter}, serviceability on {asOf}</h2>
      {error !== null && <p class="error">{error}</p>}
      <div class="map-layout">
        <div class="map-box">
          <label class="map-filter">
            Circle{" "}
            <select value={circle} onChange={(e) => setCircle(e.currentTarget.value)} disabled={points === null}>
              <option value="">All circles</option>
              {circles.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <canvas
            ref={canvas}
            class="map"
            style={{ aspectRatio: String(MAP_ASPECT) }}
            role="img"
            aria-label={`PIN centroids${circle === "" ? "" : ` in ${circle}`}, coloured by coverage`}
            data-points-drawn={drawn ?? undefined}
          />
          {points === null && error === null && <p class="loading">Loading the PINs…</p>}
        </div>
        <div class="map-side">
          <ul class="legend">
            {PIN_CLASSES.filter((c) => c.key !== "HIDDEN" || (counts?.HIDDEN ?? 0) > 0).map((c) => (
              <li key={c.key} data-class={c.key} title={c.definition}>
                <span class="swatch" style={{ background: c.colour }} />
                {c.label}: <span class="count">{counts === null ? "–" : formatIndianNumber(counts[c.key])}</span>
              </li>
            ))}
          </ul>
          {summary !== null && (
            <>
              <p class="map-note">
                {drawn === null ? "–" : formatIndianNumber(drawn)} points drawn{circle === "" ? "" : ` in ${circle}`}; the map can draw{" "}
                <span class="drawable">{formatIndianNumber(summary.drawable?.totalCount ?? 0)}</span> of the directory's{" "}
                {formatIndianNumber(summary.all?.totalCount ?? 0)} PINs (the others have no usable coordinates, or are Army Postal).
              </p>
              <p class="army-postal">
                Army Postal PINs (zone 9, not on the map): <strong>{formatIndianNumber(summary.armyPostal?.totalCount ?? 0)}</strong>
                {national !== undefined && `; Army locations served: ${formatIndianNumber(national.armyLocationsServed)}`}
              </p>
              <h3>Remote classes</h3>
              {national !== undefined && (
                <p class="map-note">
                  Remote PINs served: {formatIndianNumber(national.remotePinsServed)} of {formatIndianNumber(national.remotePinsTotal)}
                </p>
              )}
              <ul class="remote-classes">
                {summary.remoteClasses.map((remote) => (
                  <li key={remote.code} title={remote.description}>
                    {remote.name}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function App() {
  const [apiKey, setApiKey] = useState<string | null>(() => sessionStorage.getItem(KEY_STORAGE));
  const [viewer, setViewer] = useState<DashboardViewerQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const signOut = (why: string | null) => {
    sessionStorage.removeItem(KEY_STORAGE);
    setApiKey(null);
    setViewer(null);
    setError(why);
  };
  useEffect(() => {
    if (apiKey === null) return;
    request(apiKey, DashboardViewerDocument, {}).then(
      (data) => (data.viewer.authenticated ? setViewer(data) : signOut("That key was not accepted.")),
      (e: Error) => signOut(e.message),
    );
  }, [apiKey]);

  const roles = new Set<string>(viewer?.viewer.roles ?? []);
  return (
    <>
      <header class="top">
        <h1>dakgraph dashboard</h1>
        {viewer !== null && (
          <div class="who">
            <span>
              {viewer.viewer.name ?? "signed in"} ({[...roles].join(", ")})
            </span>
            <button type="button" onClick={() => signOut(null)}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {viewer?.dataProvenance.containsSyntheticData === true && (
        <div class="banner" role="status">
          Synthetic data: the shipments, scans and figures below were made by the demo generator, not by the partners.
        </div>
      )}
      <main>
        {apiKey === null && (
          <SignIn
            error={error}
            onKey={(key) => {
              sessionStorage.setItem(KEY_STORAGE, key);
              setError(null);
              setApiKey(key);
            }}
          />
        )}
        {apiKey !== null && viewer === null && <p class="loading">Signing in…</p>}
        {apiKey !== null && viewer !== null && (
          <div class="grid">
            {readsKpis(roles) && <KpiPanels apiKey={apiKey} roles={roles} circle={viewer.viewer.circle} />}
            <Tracking apiKey={apiKey} />
            <CoverageMap apiKey={apiKey} />
            <PickupsPanel apiKey={apiKey} />
            <ReviewPanel apiKey={apiKey} />
          </div>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
