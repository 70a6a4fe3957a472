import type { TypeProjection } from "../../lib/projection.js";

/** The coverage module's fields on other modules' types: none has a SQL definition yet (src/lib/projection.ts). */
export const coverageProjections: readonly TypeProjection[] = [
  {
    type: "Pincode",
    fields: {},
    resolverOnly: {
      coverage: "effective-dated serviceability as of a day, through the coverage loaders",
      remoteClasses: "a list of remote-class codes, through the coverage loaders",
    },
  },
  {
    type: "Shipment",
    fields: {},
    resolverOnly: { distanceKm: "great-circle distance between two PINs' coordinates (lib/geo.ts), read through three loaders" },
  },
  {
    type: "PickupLocation",
    fields: {},
    resolverOnly: { nearestDeliveryOffices: "a radius search over the directory, batched by its loader" },
  },
];
