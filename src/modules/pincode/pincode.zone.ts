/**
 * The first digit of a PIN is its postal zone (docs/DOMAIN-NOTES.md, "PIN codes and
 * postal zones"). Zones 1–8 are geographic; 9 is the functional zone of the Army
 * Postal Service.
 */
export const POSTAL_ZONES: Readonly<Record<number, string>> = {
  1: "Delhi, Haryana, Punjab, Himachal Pradesh, Jammu & Kashmir, Ladakh, Chandigarh",
  2: "Uttar Pradesh, Uttarakhand",
  3: "Rajasthan, Gujarat, Dadra & Nagar Haveli and Daman & Diu",
  4: "Maharashtra, Goa, Madhya Pradesh, Chhattisgarh",
  5: "Andhra Pradesh, Telangana, Karnataka",
  6: "Tamil Nadu, Kerala, Puducherry, Lakshadweep",
  7: "West Bengal, Odisha, North-East states, Sikkim, Andaman & Nicobar Islands",
  8: "Bihar, Jharkhand",
  9: "Army Postal Service (functional zone)",
};

export function zoneOf(code: string): number {
  return Number(code[0]);
}

export function isArmyPostal(code: string): boolean {
  return code.startsWith("9");
}
