/**
 * The dashboard (GET /dashboard): a Preact single-page app over the graph. Every request is a generated typed
 * operation (src/generated/operations.ts) sent by its persisted-document id, never as text, so the page runs
 * under the operation allowlist like any partner's client. Built by src/dashboard/build.mjs.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import {
  DashboardKpiTilesDocument,
  type DashboardKpiTilesQuery,
  DashboardTrackShipmentDocument,
  type DashboardTrackShipmentQuery,
  DashboardViewerDocument,
  type DashboardViewerQuery,
} from "../generated/operations.js";
import { formatIst, formatKpiChange, formatKpiFigure, lastCompleteFiscalQuarter } from "../lib/indian-format.js";
import { persistedDocumentIdOf } from "../lib/persisted-document.js";

// sessionStorage, not localStorage: the key is gone when the tab closes, and it never goes into a URL.
const KEY_STORAGE = "dakgraph.dashboard.key";

/** Roles that may read quarterlyKpis (its "Visible to" in the schema). */
const KPI_ROLES = new Set(["ANALYST", "ADMIN"]);

/**
 * The KPIs whose figures only FINANCE (or ADMIN) may read (KpiKey's "Figures visible to"): the graph answers them
 * as null for others, so their tiles are left out rather than shown empty.
 */
const FINANCE_KPIS: ReadonlySet<string> = new Set(["COD_COLLECTED", "COD_OUTSTANDING", "COD_REMITTED", "REMITTANCE_DAYS_MEAN", "REMITTANCE_DAYS_P90", "REMITTANCE_WITHIN_CYCLE"]);
const FINANCE_ROLES = new Set(["FINANCE", "ADMIN"]);

class GraphError extends Error {}

async function request<Data, Variables>(key: string, document: TypedDocumentNode<Data, Variables>, variables: Variables): Promise<Data> {
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ documentId: persistedDocumentIdOf(document), variables }),
  });
  const body = (await response.json().catch(() => null)) as { data?: Data | null; errors?: { message: string }[] } | null;
  if (body?.errors !== undefined && body.errors.length > 0) throw new GraphError(body.errors.map((e) => e.message).join(" "));
  if (!response.ok || body?.data == null) throw new GraphError(`The graph answered ${response.status}.`);
  return body.data;
}

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

type Metric = NonNullable<DashboardKpiTilesQuery["quarterlyKpis"]>[number]["metrics"][number];

function Tile({ metric }: { metric: Metric }) {
  const figure = formatKpiFigure(metric.value, metric.unit);
  const target = metric.target === null ? null : formatKpiFigure(metric.target, metric.unit).exact;
  const qoq = formatKpiChange(metric.quarterOnQuarter, metric.unit);
  const yoy = formatKpiChange(metric.yearOnYear, metric.unit);
  return (
    <div class="tile" data-kpi={metric.key} title={metric.definition}>
      <div class="tile-name">{metric.name}</div>
      <div class="tile-value">
        <span class="exact">{figure.exact}</span>
        {figure.compact !== null && <span class="compact">{figure.compact}</span>}
      </div>
      <div class="tile-changes">
        <span>QoQ {qoq ?? "–"}</span>
        <span>YoY {yoy ?? "–"}</span>
      </div>
      <div class={`tile-target ${metric.targetMet === true ? "met" : metric.targetMet === false ? "missed" : ""}`}>
        {target === null ? "No target" : `Target ${metric.direction === "LOWER_IS_BETTER" ? "≤" : "≥"} ${target}: ${metric.targetMet === true ? "met" : metric.targetMet === false ? "not met" : "–"}`}
      </div>
    </div>
  );
}

function KpiTiles({ apiKey, roles }: { apiKey: string; roles: ReadonlySet<string> }) {
  const readsMoney = [...roles].some((role) => FINANCE_ROLES.has(role));
  const quarter = lastCompleteFiscalQuarter(new Date());
  const [data, setData] = useState<DashboardKpiTilesQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(apiKey, DashboardKpiTilesDocument, { quarter }).then(setData, (e: Error) => setError(e.message));
  }, [apiKey, quarter]);
  const row = data?.quarterlyKpis?.[0];
  return (
    <section class="panel kpis" id="kpi-panel" aria-busy={data === null && error === null}>
      <h2>KPIs, national{row === undefined ? "" : `: ${row.label}`}</h2>
      {error !== null && <p class="error">{error}</p>}
      {row !== undefined && (
        <div class="tiles">
          {row.metrics
            .filter((metric) => readsMoney || !FINANCE_KPIS.has(metric.key))
            .map((metric) => (
            <Tile key={metric.key} metric={metric} />
          ))}
        </div>
      )}
    </section>
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
            {[...roles].some((role) => KPI_ROLES.has(role)) && <KpiTiles apiKey={apiKey} roles={roles} />}
            <Tracking apiKey={apiKey} />
          </div>
        )}
      </main>
      <footer>Not built yet: KPI trends over quarters, the coverage map, pickup locations and the review's action items.</footer>
    </>
  );
}

render(<App />, document.getElementById("app")!);
