CREATE TABLE "kpi_month_rollup" (
	"month" date NOT NULL,
	"circle" text NOT NULL,
	"state" text NOT NULL,
	"product" text NOT NULL,
	"payment" text NOT NULL,
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
	CONSTRAINT "kpi_month_rollup_month_circle_state_product_payment_pk" PRIMARY KEY("month","circle","state","product","payment")
);
--> statement-breakpoint
-- Statistics for the postal hierarchy: 23 circles stay below autovacuum's 50-row threshold, so a database loaded
-- before the directory load analyzed them has none, and plans through a circle's PINs go wrong by 100 times.
ANALYZE "postal_circle", "postal_region", "postal_division";
