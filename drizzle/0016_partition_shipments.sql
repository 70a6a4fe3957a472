-- shipment and scan_event become tables partitioned BY RANGE (booking_date), one partition per fiscal quarter
-- (April–June, July–September, October–December, January–March: calendar quarters, named by the fiscal year),
-- keeping every row. drizzle-kit cannot express partitioning, so this migration is written by hand; the drizzle
-- tables (src/modules/shipment/shipment.sql.ts) describe the keys it leaves behind.
--
-- Keys: PostgreSQL requires every unique index of a partitioned table to contain the partition key, so the primary
-- keys become (id, booking_date) (id alone stays unique in practice: one sequence feeds every partition) and
-- scan_event carries its shipment's booking_date, which partitions it alike and keeps its foreign key to shipment,
-- on (shipment_id, booking_date). The S10 key (tracking_number, booking_date) already contains it.
--
-- No DEFAULT partition: rows there would have to be moved out before their quarter's partition could be created
-- (PostgreSQL refuses a new partition while the default holds rows of its range, and scans the default under lock
-- to check), and a default is never pruned. Instead every write path first calls ensure_booking_partitions() for
-- the booking days it writes, and the server creates the coming quarters ahead.
--
-- The old tables are renamed, the new ones made LIKE them (columns, defaults, NOT NULL and CHECK constraints with
-- their names), the rows moved, the old tables dropped, and the indexes and keys built once over the moved rows,
-- which costs less than maintaining them row by row. The id sequences outlive the old tables (OWNED BY NONE
-- first), so new ids continue where they were.
ALTER SEQUENCE "shipment_id_seq" OWNED BY NONE;--> statement-breakpoint
ALTER SEQUENCE "scan_event_id_seq" OWNED BY NONE;--> statement-breakpoint
ALTER TABLE "scan_event" RENAME TO "scan_event_unpartitioned";--> statement-breakpoint
ALTER TABLE "shipment" RENAME TO "shipment_unpartitioned";--> statement-breakpoint
CREATE TABLE "shipment" (LIKE "shipment_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY RANGE ("booking_date");--> statement-breakpoint
CREATE TABLE "scan_event" (LIKE "scan_event_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "booking_date" date NOT NULL) PARTITION BY RANGE ("booking_date");--> statement-breakpoint
-- Creates, for each fiscal quarter any of `days` falls in, the shipment and scan_event partitions that are missing
-- (shipment_fy2024_25_q3 and scan_event_fy2024_25_q3 hold booking days 2024-10-01 up to 2025-01-01); returns how
-- many it created. Call it in the writing transaction before the rows: a created partition commits or rolls back
-- with them. The common case, every partition present, takes no lock. Otherwise both parents are locked first
-- (CREATE TABLE … PARTITION OF takes that lock anyway), which also makes two writers creating the same quarter take
-- turns: the second finds the partition made once the first commits, because taking a table lock refreshes the
-- catalogue caches the existence check reads.
CREATE FUNCTION "ensure_booking_partitions"("days" date[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  first_day date;
  fiscal_year integer;
  suffix text;
  made integer := 0;
BEGIN
  FOR first_day IN
    SELECT DISTINCT make_date(extract(year FROM d)::integer, (extract(quarter FROM d)::integer - 1) * 3 + 1, 1)
    FROM unnest(days) AS d WHERE d IS NOT NULL ORDER BY 1
  LOOP
    -- India's fiscal year starts on 1 April: January–March belong to the year that began the April before (Q4).
    fiscal_year := extract(year FROM first_day)::integer - CASE WHEN extract(month FROM first_day) < 4 THEN 1 ELSE 0 END;
    suffix := format('fy%s_%s_q%s', fiscal_year, lpad(((fiscal_year + 1) % 100)::text, 2, '0'), (extract(month FROM first_day)::integer + 8) % 12 / 3 + 1);
    CONTINUE WHEN to_regclass('shipment_' || suffix) IS NOT NULL AND to_regclass('scan_event_' || suffix) IS NOT NULL;
    LOCK TABLE ONLY "shipment", "scan_event" IN ACCESS EXCLUSIVE MODE;
    IF to_regclass('shipment_' || suffix) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF "shipment" FOR VALUES FROM (%L) TO (%L)', 'shipment_' || suffix, first_day, (first_day + interval '3 months')::date);
      made := made + 1;
    END IF;
    IF to_regclass('scan_event_' || suffix) IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF "scan_event" FOR VALUES FROM (%L) TO (%L)', 'scan_event_' || suffix, first_day, (first_day + interval '3 months')::date);
      made := made + 1;
    END IF;
  END LOOP;
  RETURN made;
END
$$;--> statement-breakpoint
SELECT "ensure_booking_partitions"(array(SELECT DISTINCT "booking_date" FROM "shipment_unpartitioned"));--> statement-breakpoint
INSERT INTO "shipment" SELECT * FROM "shipment_unpartitioned";--> statement-breakpoint
INSERT INTO "scan_event" SELECT e.*, s."booking_date" FROM "scan_event_unpartitioned" e JOIN "shipment_unpartitioned" s ON s."id" = e."shipment_id";--> statement-breakpoint
DROP TABLE "scan_event_unpartitioned";--> statement-breakpoint
DROP TABLE "shipment_unpartitioned";--> statement-breakpoint
ALTER SEQUENCE "shipment_id_seq" OWNED BY "shipment"."id";--> statement-breakpoint
ALTER SEQUENCE "scan_event_id_seq" OWNED BY "scan_event"."id";--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_pkey" PRIMARY KEY ("id", "booking_date");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_tracking_booking" ON "shipment" USING btree ("tracking_number", "booking_date");--> statement-breakpoint
CREATE INDEX "shipment_pickup_booked" ON "shipment" USING btree ("pickup_location_id", "booked_at", "id");--> statement-breakpoint
CREATE INDEX "shipment_destination" ON "shipment" USING btree ("destination_pincode", "booked_at", "id");--> statement-breakpoint
CREATE INDEX "shipment_booked" ON "shipment" USING btree ("booked_at", "id");--> statement-breakpoint
CREATE INDEX "shipment_delivered" ON "shipment" USING btree ("delivered_at") WHERE "shipment"."delivered_at" is not null;--> statement-breakpoint
CREATE INDEX "shipment_remittance" ON "shipment" USING btree ("cod_remittance_id") WHERE "shipment"."cod_remittance_id" is not null;--> statement-breakpoint
CREATE INDEX "shipment_cod_amount" ON "shipment" USING btree ("cod_amount_paise" DESC NULLS FIRST, "id" DESC NULLS FIRST) WHERE "shipment"."payment_mode" = 'COD';--> statement-breakpoint
CREATE INDEX "shipment_late_cod" ON "shipment" USING btree ("cod_amount_paise" DESC NULLS FIRST, "id" DESC NULLS FIRST) WHERE "shipment"."payment_mode" = 'COD' and (case when "shipment"."delivered_at" is null then null else (("shipment"."delivered_at" at time zone 'UTC') + interval '5 hours 30 minutes')::date <= "shipment"."promised_date" end) = false;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_product_code_product_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."product"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_pickup_location_id_pickup_location_id_fk" FOREIGN KEY ("pickup_location_id") REFERENCES "public"."pickup_location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_delivery_office_id_post_office_id_fk" FOREIGN KEY ("delivery_office_id") REFERENCES "public"."post_office"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_cod_remittance_id_cod_remittance_id_fk" FOREIGN KEY ("cod_remittance_id") REFERENCES "public"."cod_remittance"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_pkey" PRIMARY KEY ("id", "booking_date");--> statement-breakpoint
CREATE UNIQUE INDEX "scan_event_identity" ON "scan_event" USING btree ("shipment_id", "occurred_at", "event_type", "booking_date");--> statement-breakpoint
CREATE INDEX "scan_event_occurred_at" ON "scan_event" USING btree ("occurred_at", "id");--> statement-breakpoint
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_shipment_fk" FOREIGN KEY ("shipment_id", "booking_date") REFERENCES "public"."shipment"("id", "booking_date") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_office_id_post_office_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."post_office"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Autovacuum analyses partitions but never a partitioned parent, whose statistics the planner uses for joins.
ANALYZE "shipment", "scan_event";
