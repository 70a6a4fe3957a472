CREATE TABLE "cod_remittance_cycle" (
	"valid_from" date PRIMARY KEY NOT NULL,
	"days" integer NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	CONSTRAINT "cod_remittance_cycle_days" CHECK ("cod_remittance_cycle"."days" between 1 and 90)
);
--> statement-breakpoint
CREATE TABLE "kpi_histogram" (
	"quarter" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_key" text NOT NULL,
	"measure" text NOT NULL,
	"bucket" integer NOT NULL,
	"shipments" integer NOT NULL,
	CONSTRAINT "kpi_histogram_scope_kind_scope_key_measure_quarter_bucket_pk" PRIMARY KEY("scope_kind","scope_key","measure","quarter","bucket"),
	CONSTRAINT "kpi_histogram_measure" CHECK ("kpi_histogram"."measure" in ('TRANSIT_HOURS', 'REMITTANCE_DAYS'))
);
--> statement-breakpoint
CREATE TABLE "kpi_pin_quarter" (
	"quarter" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_key" text NOT NULL,
	"serviceable_started" integer DEFAULT 0 NOT NULL,
	"serviceable_ended" integer DEFAULT 0 NOT NULL,
	"active_pins" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "kpi_pin_quarter_scope_kind_scope_key_quarter_pk" PRIMARY KEY("scope_kind","scope_key","quarter")
);
--> statement-breakpoint
CREATE TABLE "kpi_rollup" (
	"quarter" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_key" text NOT NULL,
	"booked" integer DEFAULT 0 NOT NULL,
	"final_state" integer DEFAULT 0 NOT NULL,
	"returned" integer DEFAULT 0 NOT NULL,
	"delivered" integer DEFAULT 0 NOT NULL,
	"on_time" integer DEFAULT 0 NOT NULL,
	"transit_hours_sum" bigint DEFAULT 0 NOT NULL,
	"cod_delivered" integer DEFAULT 0 NOT NULL,
	"cod_collected_paise" bigint DEFAULT 0 NOT NULL,
	"attempted" integer DEFAULT 0 NOT NULL,
	"first_attempt_delivered" integer DEFAULT 0 NOT NULL,
	"failed_attempted" integer DEFAULT 0 NOT NULL,
	"failed_addressee_absent" integer DEFAULT 0 NOT NULL,
	"failed_door_locked" integer DEFAULT 0 NOT NULL,
	"failed_refused" integer DEFAULT 0 NOT NULL,
	"failed_unclaimed" integer DEFAULT 0 NOT NULL,
	"failed_address_incomplete" integer DEFAULT 0 NOT NULL,
	"failed_missent" integer DEFAULT 0 NOT NULL,
	"failed_other" integer DEFAULT 0 NOT NULL,
	"remitted" integer DEFAULT 0 NOT NULL,
	"remitted_paise" bigint DEFAULT 0 NOT NULL,
	"remittance_days_sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "kpi_rollup_scope_kind_scope_key_quarter_pk" PRIMARY KEY("scope_kind","scope_key","quarter"),
	CONSTRAINT "kpi_rollup_scope_kind" CHECK ("kpi_rollup"."scope_kind" in ('NATIONAL', 'CIRCLE', 'STATE', 'PICKUP_LOCATION', 'PRODUCT', 'PAYMENT_MODE'))
);
--> statement-breakpoint
CREATE TABLE "public_holiday" (
	"day" date PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "public_holiday_name" CHECK (length("public_holiday"."name") between 1 and 200)
);
--> statement-breakpoint
ALTER TABLE "shipment" ADD COLUMN "failed_reasons" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Backfill for databases that already hold shipments: the reasons of failed attempts made towards the
-- addressee (before the shipment was delivered, returned or otherwise final), as ingest now derives them.
-- The KPI rollups themselves are built by `dakgraph verify kpis --rebuild` (see the README).
UPDATE "shipment" s SET "failed_reasons" = r.reasons
FROM (
	SELECT e.shipment_id, array_agg(DISTINCT e.failed_reason ORDER BY e.failed_reason) AS reasons
	FROM "scan_event" e JOIN "shipment" x ON x.id = e.shipment_id
	WHERE e.event_type = 'DELIVERY_ATTEMPTED' AND x.attempts > 0
		AND e.occurred_at < coalesce(x.returned_at, x.delivered_at, x.rto_delivered_at, x.last_event_at + interval '1 second')
	GROUP BY e.shipment_id
) r
WHERE s.id = r.shipment_id;
