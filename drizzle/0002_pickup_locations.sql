CREATE TABLE "pickup_location" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"post_office_id" integer NOT NULL,
	"city" text NOT NULL,
	"state" text,
	"active_from" date NOT NULL,
	"active_to" date,
	"daily_capacity" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "pickup_location_code_unique" UNIQUE("code"),
	CONSTRAINT "pickup_location_code_format" CHECK ("pickup_location"."code" ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
	CONSTRAINT "pickup_location_dates" CHECK ("pickup_location"."active_to" is null or "pickup_location"."active_to" >= "pickup_location"."active_from"),
	CONSTRAINT "pickup_location_capacity" CHECK ("pickup_location"."daily_capacity" > 0)
);
--> statement-breakpoint
ALTER TABLE "pickup_location" ADD CONSTRAINT "pickup_location_post_office_id_post_office_id_fk" FOREIGN KEY ("post_office_id") REFERENCES "public"."post_office"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pickup_location_post_office" ON "pickup_location" USING btree ("post_office_id");