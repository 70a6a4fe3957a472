CREATE TABLE "kpi_target" (
	"quarter" text NOT NULL,
	"scope_kind" text NOT NULL,
	"scope_key" text NOT NULL,
	"kpi_key" text NOT NULL,
	"value" double precision NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "kpi_target_quarter_scope_kind_scope_key_kpi_key_pk" PRIMARY KEY("quarter","scope_kind","scope_key","kpi_key"),
	CONSTRAINT "kpi_target_scope_kind" CHECK ("kpi_target"."scope_kind" in ('NATIONAL', 'CIRCLE', 'STATE', 'PICKUP_LOCATION', 'PRODUCT', 'PAYMENT_MODE')),
	CONSTRAINT "kpi_target_value" CHECK ("kpi_target"."value" >= 0)
);
--> statement-breakpoint
CREATE TABLE "quarterly_review" (
	"id" serial PRIMARY KEY NOT NULL,
	"quarter" text NOT NULL,
	"held_on" date NOT NULL,
	"participants" text[] NOT NULL,
	"summary" text NOT NULL,
	"decisions" text[] NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "quarterly_review_quarter_unique" UNIQUE("quarter"),
	CONSTRAINT "quarterly_review_participants" CHECK (cardinality("quarterly_review"."participants") > 0)
);
--> statement-breakpoint
CREATE TABLE "review_action_item_change" (
	"id" serial PRIMARY KEY NOT NULL,
	"action_item_id" integer NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text NOT NULL,
	"due" date NOT NULL,
	"note" text
);
--> statement-breakpoint
CREATE TABLE "review_action_item" (
	"id" serial PRIMARY KEY NOT NULL,
	"review_id" integer NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"owner" text NOT NULL,
	"recorded_due" date NOT NULL,
	"recorded_status" text NOT NULL,
	"due" date NOT NULL,
	"status" text NOT NULL,
	"note" text,
	"synthetic" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_action_item_position" UNIQUE("review_id","position"),
	CONSTRAINT "review_action_item_owner" CHECK ("review_action_item"."owner" in ('AMAZON', 'INDIA_POST', 'JOINT')),
	CONSTRAINT "review_action_item_status" CHECK ("review_action_item"."status" in ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED') and "review_action_item"."recorded_status" in ('OPEN', 'IN_PROGRESS', 'DONE', 'DROPPED'))
);
--> statement-breakpoint
ALTER TABLE "review_action_item_change" ADD CONSTRAINT "review_action_item_change_action_item_id_review_action_item_id_fk" FOREIGN KEY ("action_item_id") REFERENCES "public"."review_action_item"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_action_item" ADD CONSTRAINT "review_action_item_review_id_quarterly_review_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."quarterly_review"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_action_item_change_item" ON "review_action_item_change" USING btree ("action_item_id","changed_at");