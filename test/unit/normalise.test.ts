import { describe, expect, it } from "vitest";
import {
  canonicalCircle,
  canonicalState,
  checkCoordinates,
  displayOfficeName,
  geonamesPincodePoints,
  normaliseOfficeName,
  officeState,
  officeTypeFromCode,
  officeTypeFromName,
  parseDeliveryStatus,
  parseGeonamesPostalCodes,
  pincodePosition,
} from "../../src/modules/post-office/post-office.normalise.js";

describe("office names", () => {
  it.each([
    ["Diskit S.O", "diskit", "Diskit", "SUB"],
    ["Hunder B.O", "hunder", "Hunder", "BRANCH"],
    ["Leh H.O", "leh", "Leh", "HEAD"],
    ["New Delhi G.P.O.", "new delhi", "New Delhi", "HEAD"],
    ["Bhainsa S.O (Adilabad)", "bhainsa", "Bhainsa (Adilabad)", "SUB"],
    ["Madhavaram (kurnool)B.O", "madhavaram", "Madhavaram (kurnool)", "BRANCH"],
    ["Fort Warangal S.O.", "fort warangal", "Fort Warangal", "SUB"],
    ["AP Police Academy PO", "ap police academy", "AP Police Academy", "SUB"],
    ["Upleta ND T.S.O", "upleta", "Upleta", "SUB"],
    ["Kapashera EDB.O", "kapashera", "Kapashera", "BRANCH"],
    ["I.P.Estate", "i p estate", "I.P.Estate", null],
  ])("%s → key %j, name %j, type %s", (raw, key, name, type) => {
    expect(normaliseOfficeName(raw)).toBe(key);
    expect(displayOfficeName(raw)).toBe(name);
    expect(officeTypeFromName(raw)).toBe(type);
  });

  it("gives the same key to the npm name and the CSV name of one office", () => {
    expect(normaliseOfficeName("I.P. Estate S.O")).toBe(normaliseOfficeName("I.P.Estate"));
    expect(normaliseOfficeName("Arli (T) B.O")).toBe(normaliseOfficeName("Arli"));
  });

  it.each([
    ["HO", "HEAD"],
    ["H.O", "HEAD"],
    ["G.P.O", "HEAD"],
    ["PO", "SUB"],
    ["S.O", "SUB"],
    ["NDTSO", "SUB"],
    ["BO", "BRANCH"],
    ["b.o", "BRANCH"],
    ["XO", null],
  ])("office type code %s → %s", (code, type) => {
    expect(officeTypeFromCode(code)).toBe(type);
  });
});

describe("delivery status", () => {
  it("maps the CSV's words and leaves unknowns null", () => {
    expect(parseDeliveryStatus("Delivery")).toBe(true);
    expect(parseDeliveryStatus("Non Delivery")).toBe(false);
    expect(parseDeliveryStatus("Non-Delivery")).toBe(false);
    expect(parseDeliveryStatus("NA")).toBe(null);
    expect(parseDeliveryStatus("")).toBe(null);
    expect(parseDeliveryStatus("sometimes")).toBe("invalid");
  });
});

describe("circles and states", () => {
  it("normalises circle spellings and suffixes", () => {
    expect(canonicalCircle("Jammukashmir", null)).toBe("Jammu & Kashmir");
    expect(canonicalCircle("Tamilnadu Circle", null)).toBe("Tamil Nadu");
    expect(canonicalCircle("Chattisgarh", null)).toBe("Chhattisgarh");
    expect(canonicalCircle("Goa", "Goa")).toBe("Maharashtra");
    expect(canonicalCircle("Andhra Pradesh", "Telangana")).toBe("Telangana");
    expect(canonicalCircle("Andhra Pradesh", "Andhra Pradesh")).toBe("Andhra Pradesh");
  });

  it("spells states one way", () => {
    expect(canonicalState("JAMMU AND KASHMIR")).toBe("Jammu & Kashmir");
    expect(canonicalState("Pondicherry")).toBe("Puducherry");
    expect(canonicalState("Daman & Diu")).toBe("Dadra & Nagar Haveli and Daman & Diu");
    expect(canonicalState("NA")).toBe(null);
    expect(officeState("Jammu & Kashmir", "Leh")).toBe("Ladakh");
    expect(officeState("Jammu & Kashmir", "Srinagar")).toBe("Jammu & Kashmir");
  });
});

describe("coordinates", () => {
  it("checks pairs against India's box, swapping back swapped pairs", () => {
    expect(checkCoordinates(34.55, 77.56)).toEqual({ latitude: 34.55, longitude: 77.56, quality: "IN_INDIA" });
    expect(checkCoordinates(77.56, 34.55)).toEqual({ latitude: 34.55, longitude: 77.56, quality: "SWAPPED_CORRECTED" });
    expect(checkCoordinates(0, 0).quality).toBe("ZERO");
    expect(checkCoordinates(51.5, -0.12).quality).toBe("OUT_OF_BOUNDS");
    expect(checkCoordinates(null, 77).quality).toBe("MISSING");
    expect(checkCoordinates(6, 68).quality).toBe("IN_INDIA");
    expect(checkCoordinates(37.6, 97.5).quality).toBe("OUT_OF_BOUNDS");
  });
});

describe("GeoNames PIN positions", () => {
  // GeoNames' IN.txt layout: country, PIN, place, three admin name/code pairs, latitude, longitude, accuracy.
  const line = (pin: string, place: string, lat: string, lng: string, accuracy: string) =>
    ["IN", pin, place, "Jammu & Kashmir", "12", "Leh", "", "Leh", "", lat, lng, accuracy].join("\t");

  it("reads the tab-separated places, skipping lines without a PIN or a numeric pair", () => {
    const text = [
      line("194401", "Diskit", "33.8599", "75.5778", "1"),
      line("194401", "Hunder", "33.8599", "75.5778", ""),
      line("094401", "Bad PIN", "33.8", "75.5", "1"),
      line("194402", "No position", "", "75.5", "1"),
      "",
    ].join("\n");
    expect(parseGeonamesPostalCodes(text)).toEqual([
      { pin: "194401", latitude: 33.8599, longitude: 75.5778, accuracy: 1 },
      { pin: "194401", latitude: 33.8599, longitude: 75.5778, accuracy: 0 },
    ]);
  });

  it("places a PIN at the mean of its best-accuracy places inside India's box, swapped pairs swapped back", () => {
    const points = geonamesPincodePoints([
      { pin: "110001", latitude: 28.6, longitude: 77.2, accuracy: 1 },
      { pin: "110001", latitude: 28.63, longitude: 77.21, accuracy: 4 },
      { pin: "110001", latitude: 77.23, longitude: 28.64, accuracy: 4 },
      { pin: "110001", latitude: 51.5, longitude: -0.12, accuracy: 6 },
      { pin: "744101", latitude: 0, longitude: 0, accuracy: 4 },
    ]);
    // The accuracy-1 place is outranked; the London pair fails the box whatever its accuracy; 744101 has no usable place.
    expect(points).toEqual(new Map([["110001", { latitude: 28.635, longitude: 77.22 }]]));
    expect(geonamesPincodePoints([1, 2, 2].map((n) => ({ pin: "560001", latitude: 12 + n / 3, longitude: 77, accuracy: 1 })))).toEqual(
      new Map([["560001", { latitude: 12.5556, longitude: 77 }]]),
    );
  });

  it("fills only a PIN whose own pair is unusable, and says so", () => {
    const geonames = { latitude: 33.8599, longitude: 75.5778 };
    expect(pincodePosition(checkCoordinates(34.55, 77.56), geonames)).toEqual({ latitude: 34.55, longitude: 77.56, quality: "IN_INDIA" });
    expect(pincodePosition(checkCoordinates(77.56, 34.55), geonames).quality).toBe("SWAPPED_CORRECTED");
    for (const unusable of [checkCoordinates(0, 0), checkCoordinates(51.5, -0.12), checkCoordinates(undefined, undefined)]) {
      expect(pincodePosition(unusable, geonames)).toEqual({ ...geonames, quality: "GEONAMES" });
      expect(pincodePosition(unusable, undefined)).toEqual(unusable);
    }
  });
});
