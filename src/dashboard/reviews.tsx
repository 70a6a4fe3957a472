/**
 * The review panel: the quarter's review (quarterlyReview: ANALYST and ADMIN keys not limited to a circle; others
 * never see the panel nor send the operation) with its action items, and the previous review's items with their
 * status now, which the quarter's review follows up. Items still to do come first, earliest due first.
 */
import "./panels.css";
import { useEffect, useState } from "preact/hooks";
import { type DashboardActionItemFieldsFragment, DashboardReviewActionItemsDocument, type DashboardReviewActionItemsQuery } from "../generated/operations.js";
import { byAttention, formatIstDay, isOverdue, OWNER_LABELS, quarterHeading, STATUS_LABELS } from "../lib/dashboard-panels.js";
import { istDateOf } from "../lib/fiscal-quarter.js";
import { lastCompleteFiscalQuarter } from "../lib/indian-format.js";
import { request } from "./graph.js";
import { panelScope } from "./panel-scope.js";

type Report = NonNullable<DashboardReviewActionItemsQuery["quarterlyReview"]>;

function ActionItems({ items, caption }: { items: readonly DashboardActionItemFieldsFragment[]; caption: string }) {
  const today = istDateOf(new Date());
  if (items.length === 0) return null;
  return (
    <table class="action-items">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Action</th>
          <th scope="col">Owner</th>
          <th scope="col">Status</th>
          <th scope="col">Due</th>
        </tr>
      </thead>
      <tbody>
        {byAttention(items).map((item) => {
          const overdue = isOverdue(item, today);
          return (
            <tr key={item.id} data-id={item.id} class={overdue ? "overdue" : undefined}>
              <td class="title">
                {item.title}
                {item.note !== null && <div class="muted note">{item.note}</div>}
              </td>
              <td class="owner" data-owner={item.owner}>
                {OWNER_LABELS[item.owner]}
              </td>
              <td class="status" data-status={item.status}>
                {STATUS_LABELS[item.status]}
              </td>
              <td class="due" data-due={item.due}>
                {formatIstDay(item.due)}
                {item.due !== item.recordedDue && <div class="muted">agreed {formatIstDay(item.recordedDue)}</div>}
                {overdue && <div class="overdue-flag">overdue</div>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The panel; `quarter` ("FY2026-27-Q2") defaults to the last complete quarter. Renders nothing for keys that may not read it. */
export function ReviewPanel({ apiKey, quarter = lastCompleteFiscalQuarter(new Date()) }: { apiKey: string; quarter?: string }) {
  const [readable, setReadable] = useState<boolean | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setReport(null);
    setError(null);
    panelScope(apiKey)
      .then(async (scope) => {
        setReadable(scope.readsReview);
        if (!scope.readsReview) return;
        const data = await request(apiKey, DashboardReviewActionItemsDocument, { quarter });
        setReport(data.quarterlyReview);
      })
      .catch((e: Error) => setError(e.message));
  }, [apiKey, quarter]);
  // Nothing until the scope says the key may read it: a VIEWER never sees the panel, not even loading.
  if (readable !== true) return null;
  const review = report?.review ?? null;
  return (
    <section class="panel review" id="review-panel" aria-busy={report === null && error === null}>
      <h2>Quarterly review: {quarterHeading(quarter)}</h2>
      {error !== null && <p class="error">{error}</p>}
      {report === null && error === null && <p class="loading">Loading the review…</p>}
      {report !== null && (
        <>
          {review === null ? (
            <p class="review-state">Not recorded yet: the quarter's review is held in the quarter after it.</p>
          ) : (
            <p class="review-state" title={review.participants.join("; ")}>
              Held on {formatIstDay(review.heldOn)}
              {review.synthetic && " (synthetic minutes)"}: {review.summary}
            </p>
          )}
          <ActionItems items={report.actionItems} caption="Action items agreed" />
          {review !== null && report.actionItems.length === 0 && <p class="muted">No action items were agreed.</p>}
          {report.previousReview !== null && (
            <ActionItems
              items={report.previousActionItems}
              caption={`Followed up: the ${quarterHeading(report.previousReview.quarter)} review's items (held ${formatIstDay(report.previousReview.heldOn)}), status now`}
            />
          )}
          {report.previousReview === null && review === null && <p class="muted">No earlier review is recorded either.</p>}
        </>
      )}
    </section>
  );
}
