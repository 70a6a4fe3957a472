CREATE TABLE "pincode" (
	"code" char(6) PRIMARY KEY NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"coordinate_quality" text DEFAULT 'MISSING' NOT NULL,
	"primary_state" text,
	"primary_district" text,
	"primary_circle_id" integer,
	"office_count" integer DEFAULT 0 NOT NULL,
	"delivery_office_count" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pincode_code_format" CHECK ("pincode"."code" ~ '^[1-9][0-9]{5}$'),
	CONSTRAINT "pincode_coordinate_quality" CHECK ("pincode"."coordinate_quality" in ('IN_INDIA', 'SWAPPED_CORRECTED', 'ZERO', 'OUT_OF_BOUNDS', 'MISSING'))
);
--> statement-breakpoint
CREATE TABLE "directory_import" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"origin" text NOT NULL,
	"rows_read" integer NOT NULL,
	"inserted" integer NOT NULL,
	"updated" integer NOT NULL,
	"unchanged" integer NOT NULL,
	"rejected" integer NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "post_office" (
	"id" serial PRIMARY KEY NOT NULL,
	"pincode" char(6) NOT NULL,
	"name" text NOT NULL,
	"name_key" text NOT NULL,
	"office_type" text,
	"delivery" boolean,
	"circle_id" integer,
	"region_id" integer,
	"division_id" integer,
	"district" text,
	"state" text,
	"taluk" text,
	"latitude" double precision,
	"longitude" double precision,
	"coordinate_quality" text,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "post_office_natural_key" UNIQUE("pincode","name_key"),
	CONSTRAINT "post_office_type" CHECK ("post_office"."office_type" in ('HEAD', 'SUB', 'BRANCH')),
	CONSTRAINT "post_office_source" CHECK ("post_office"."source" in ('NPM_PACKAGES', 'DATA_GOV_IN_CSV'))
);
--> statement-breakpoint
CREATE TABLE "postal_circle" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "postal_circle_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "postal_division" (
	"id" serial PRIMARY KEY NOT NULL,
	"region_id" integer NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "postal_division_region_name" UNIQUE("region_id","name")
);
--> statement-breakpoint
CREATE TABLE "postal_region" (
	"id" serial PRIMARY KEY NOT NULL,
	"circle_id" integer NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "postal_region_circle_name" UNIQUE("circle_id","name")
);
--> statement-breakpoint
ALTER TABLE "pincode" ADD CONSTRAINT "pincode_primary_circle_id_postal_circle_id_fk" FOREIGN KEY ("primary_circle_id") REFERENCES "public"."postal_circle"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_office" ADD CONSTRAINT "post_office_pincode_pincode_code_fk" FOREIGN KEY ("pincode") REFERENCES "public"."pincode"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_office" ADD CONSTRAINT "post_office_circle_id_postal_circle_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."postal_circle"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_office" ADD CONSTRAINT "post_office_region_id_postal_region_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."postal_region"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "post_office" ADD CONSTRAINT "post_office_division_id_postal_division_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."postal_division"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postal_division" ADD CONSTRAINT "postal_division_region_id_postal_region_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."postal_region"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "postal_region" ADD CONSTRAINT "postal_region_circle_id_postal_circle_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."postal_circle"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pincode_primary_state" ON "pincode" USING btree (lower("primary_state"));--> statement-breakpoint
CREATE INDEX "pincode_primary_district" ON "pincode" USING btree (lower("primary_district"));--> statement-breakpoint
CREATE INDEX "pincode_primary_circle" ON "pincode" USING btree ("primary_circle_id");--> statement-breakpoint
CREATE INDEX "post_office_name_trgm" ON "post_office" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "post_office_name_prefix" ON "post_office" USING btree (lower("name") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "post_office_name_order" ON "post_office" USING btree ("name" collate "C","id");--> statement-breakpoint
CREATE INDEX "post_office_state" ON "post_office" USING btree (lower("state"));--> statement-breakpoint
CREATE INDEX "post_office_district" ON "post_office" USING btree (lower("district"));--> statement-breakpoint
CREATE INDEX "post_office_circle" ON "post_office" USING btree ("circle_id");--> statement-breakpoint
CREATE INDEX "post_office_division" ON "post_office" USING btree ("division_id");