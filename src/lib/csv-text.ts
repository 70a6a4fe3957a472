/** Rows to COPY-ready CSV text: every value quoted, null and undefined left as an unquoted empty field (NULL). */
export function toCsv(rows: readonly (readonly unknown[])[]): string {
  let out = "";
  for (const row of rows) {
    out += row.map(csvField).join(",");
    out += "\n";
  }
  return out;
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `"${String(value).replaceAll('"', '""')}"`;
}
