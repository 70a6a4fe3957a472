import { integer, pgTable, serial, text, unique } from "drizzle-orm/pg-core";

/** India Post's postal circles (23 plus the functional APS Base Circle): the top of the network. */
export const circleTable = pgTable("postal_circle", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
});

export const regionTable = pgTable(
  "postal_region",
  {
    id: serial("id").primaryKey(),
    circleId: integer("circle_id")
      .notNull()
      .references(() => circleTable.id),
    name: text("name").notNull(),
  },
  (t) => [unique("postal_region_circle_name").on(t.circleId, t.name)],
);

export const divisionTable = pgTable(
  "postal_division",
  {
    id: serial("id").primaryKey(),
    regionId: integer("region_id")
      .notNull()
      .references(() => regionTable.id),
    name: text("name").notNull(),
  },
  (t) => [unique("postal_division_region_name").on(t.regionId, t.name)],
);

export type CircleRow = typeof circleTable.$inferSelect;
export type RegionRow = typeof regionTable.$inferSelect;
export type DivisionRow = typeof divisionTable.$inferSelect;
