CREATE TABLE "pin_delivery_quarter" (
	"pincode" char(6) NOT NULL,
	"quarter" text NOT NULL,
	"delivered" integer NOT NULL,
	"first_delivered_at" timestamp with time zone NOT NULL,
	"last_delivered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "pin_delivery_quarter_pincode_quarter_pk" PRIMARY KEY("pincode","quarter")
);
--> statement-breakpoint
CREATE TABLE "remote_class_rule" (
	"class_code" text NOT NULL,
	"kind" text NOT NULL,
	"value" text NOT NULL,
	CONSTRAINT "remote_class_rule_class_code_kind_value_pk" PRIMARY KEY("class_code","kind","value"),
	CONSTRAINT "remote_class_rule_kind" CHECK ("remote_class_rule"."kind" in ('STATE', 'DISTRICT', 'PIN_PREFIX'))
);
--> statement-breakpoint
CREATE TABLE "remote_class" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "serviceability" (
	"id" serial PRIMARY KEY NOT NULL,
	"pincode" char(6) NOT NULL,
	"channel" text NOT NULL,
	"valid_from" date NOT NULL,
	"valid_to" date,
	"synthetic" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "serviceability_pin_format" CHECK ("serviceability"."pincode" ~ '^[1-9][0-9]{5}$'),
	CONSTRAINT "serviceability_channel" CHECK ("serviceability"."channel" in ('INDIA_POST', 'ARMY_POSTAL_SERVICE')),
	CONSTRAINT "serviceability_channel_zone" CHECK (("serviceability"."channel" = 'ARMY_POSTAL_SERVICE') = ("serviceability"."pincode" like '9%')),
	CONSTRAINT "serviceability_dates" CHECK ("serviceability"."valid_to" is null or "serviceability"."valid_to" >= "serviceability"."valid_from")
);
--> statement-breakpoint
ALTER TABLE "remote_class_rule" ADD CONSTRAINT "remote_class_rule_class_code_remote_class_code_fk" FOREIGN KEY ("class_code") REFERENCES "public"."remote_class"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pin_delivery_quarter_quarter" ON "pin_delivery_quarter" USING btree ("quarter");--> statement-breakpoint
CREATE INDEX "serviceability_pin" ON "serviceability" USING btree ("pincode","valid_from");--> statement-breakpoint
-- Remote and restricted area classes (docs/DOMAIN-NOTES.md, "PIN codes and postal zones"): data, not conditionals in code. Partners may add rules.
-- District rules name both spellings where the directory and current usage differ (Rajauri / Rajouri).
INSERT INTO "remote_class" ("code", "name", "description") VALUES
  ('NORTH_EAST', 'North-East', 'The eight North-Eastern states: hilly terrain, long surface routes and air-lifted mail; South Garo Hills (Meghalaya) is one of the MoU''s named remote places.'),
  ('LADAKH_JK_HILLS', 'Ladakh and the J&K hill districts', 'Ladakh (Nubra Valley, 194401, is a named remote place of the MoU) and the hill districts of Jammu & Kashmir, where passes close in winter.'),
  ('ANDAMAN_NICOBAR', 'Andaman & Nicobar Islands', 'The islands, reached by sea and air from the mainland (PINs 744101-744304, in the West Bengal circle).'),
  ('LAKSHADWEEP', 'Lakshadweep', 'The Lakshadweep islands, reached by sea from Kochi (PINs 68255x).'),
  ('ARMY_POSTAL', 'Army Postal Service', 'Army locations served through the Army Postal Service (c/o 56 APO or 99 APO; zone-9 PINs): restricted.')
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "remote_class_rule" ("class_code", "kind", "value") VALUES
  ('NORTH_EAST', 'STATE', 'Arunachal Pradesh'),
  ('NORTH_EAST', 'STATE', 'Assam'),
  ('NORTH_EAST', 'STATE', 'Manipur'),
  ('NORTH_EAST', 'STATE', 'Meghalaya'),
  ('NORTH_EAST', 'STATE', 'Mizoram'),
  ('NORTH_EAST', 'STATE', 'Nagaland'),
  ('NORTH_EAST', 'STATE', 'Sikkim'),
  ('NORTH_EAST', 'STATE', 'Tripura'),
  ('LADAKH_JK_HILLS', 'STATE', 'Ladakh'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Kishtwar'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Doda'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Ramban'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Reasi'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Poonch'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Rajouri'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Rajauri'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Kupwara'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Bandipora'),
  ('LADAKH_JK_HILLS', 'DISTRICT', 'Jammu & Kashmir/Ganderbal'),
  ('ANDAMAN_NICOBAR', 'STATE', 'Andaman & Nicobar Islands'),
  ('ANDAMAN_NICOBAR', 'PIN_PREFIX', '744'),
  ('LAKSHADWEEP', 'STATE', 'Lakshadweep'),
  ('LAKSHADWEEP', 'PIN_PREFIX', '68255'),
  ('ARMY_POSTAL', 'PIN_PREFIX', '9')
ON CONFLICT DO NOTHING;
