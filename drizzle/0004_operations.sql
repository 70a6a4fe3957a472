CREATE TABLE "cod_remittance" (
	"id" serial PRIMARY KEY NOT NULL,
	"reference" text NOT NULL,
	"remitted_on" date NOT NULL,
	"amount_paise" bigint NOT NULL,
	"shipment_count" integer NOT NULL,
	"synthetic" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cod_remittance_reference_unique" UNIQUE("reference"),
	CONSTRAINT "cod_remittance_reference" CHECK ("cod_remittance"."reference" ~ '^[A-Z0-9][A-Z0-9-]{3,34}$'),
	CONSTRAINT "cod_remittance_amount" CHECK ("cod_remittance"."amount_paise" > 0),
	CONSTRAINT "cod_remittance_count" CHECK ("cod_remittance"."shipment_count" > 0)
);
--> statement-breakpoint
CREATE TABLE "service_norm" (
	"product_code" text NOT NULL,
	"route_class" text NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "service_norm_product_code_route_class_pk" PRIMARY KEY("product_code","route_class"),
	CONSTRAINT "service_norm_route_class" CHECK ("service_norm"."route_class" in ('LOCAL', 'METRO_TO_METRO', 'WITHIN_CIRCLE', 'REST_OF_INDIA', 'REMOTE')),
	CONSTRAINT "service_norm_days" CHECK ("service_norm"."days" between 1 and 30)
);
--> statement-breakpoint
CREATE TABLE "scan_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"shipment_id" integer NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"failed_reason" text,
	"office_id" integer,
	"office_name" text,
	"raw_text" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scan_event_type" CHECK ("scan_event"."event_type" in ('BOOKED', 'BAGGED', 'DISPATCHED', 'BAG_RECEIVED', 'RECEIVED_AT_DESTINATION', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPTED', 'ON_HOLD', 'REDIRECTED', 'RETURNED_TO_SENDER', 'DELIVERED', 'DELIVERED_TO_SENDER', 'LOST', 'CANCELLED')),
	CONSTRAINT "scan_event_reason" CHECK (("scan_event"."event_type" = 'DELIVERY_ATTEMPTED') = ("scan_event"."failed_reason" is not null) and ("scan_event"."failed_reason" is null or "scan_event"."failed_reason" in ('ADDRESSEE_ABSENT', 'DOOR_LOCKED', 'REFUSED', 'UNCLAIMED', 'ADDRESS_INCOMPLETE', 'MISSENT', 'OTHER')))
);
--> statement-breakpoint
CREATE TABLE "shipment" (
	"id" serial PRIMARY KEY NOT NULL,
	"tracking_number" char(13) NOT NULL,
	"booking_date" date NOT NULL,
	"booked_at" timestamp with time zone NOT NULL,
	"product_code" text NOT NULL,
	"payment_mode" text NOT NULL,
	"cod_amount_paise" bigint,
	"weight_grams" integer NOT NULL,
	"declared_value_paise" bigint,
	"pickup_location_id" integer NOT NULL,
	"destination_kind" text NOT NULL,
	"destination_pincode" char(6) NOT NULL,
	"army_post_office" text,
	"delivery_office_id" integer,
	"route_class" text NOT NULL,
	"service_norm_days" integer NOT NULL,
	"promised_date" date NOT NULL,
	"status" text DEFAULT 'BOOKED' NOT NULL,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"out_for_delivery_count" integer DEFAULT 0 NOT NULL,
	"first_attempt_at" timestamp with time zone,
	"returned_at" timestamp with time zone,
	"rto_delivered_at" timestamp with time zone,
	"last_event_at" timestamp with time zone,
	"cod_remittance_id" integer,
	"synthetic" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shipment_tracking_format" CHECK ("shipment"."tracking_number" ~ '^[A-Z]{2}[0-9]{9}[A-Z]{2}$'),
	CONSTRAINT "shipment_payment_mode" CHECK ("shipment"."payment_mode" in ('PREPAID', 'COD')),
	CONSTRAINT "shipment_cod_amount" CHECK (("shipment"."payment_mode" = 'COD') = ("shipment"."cod_amount_paise" is not null) and ("shipment"."cod_amount_paise" is null or ("shipment"."cod_amount_paise" between 100 and 5000000 and "shipment"."cod_amount_paise" % 100 = 0))),
	CONSTRAINT "shipment_weight" CHECK ("shipment"."weight_grams" > 0),
	CONSTRAINT "shipment_declared_value" CHECK ("shipment"."declared_value_paise" is null or "shipment"."declared_value_paise" >= 0),
	CONSTRAINT "shipment_destination_kind" CHECK ("shipment"."destination_kind" in ('PIN_CODE', 'ARMY_POSTAL')),
	CONSTRAINT "shipment_army_post_office" CHECK (("shipment"."destination_kind" = 'ARMY_POSTAL') = ("shipment"."army_post_office" is not null) and ("shipment"."army_post_office" is null or "shipment"."army_post_office" in ('APO_56', 'APO_99'))),
	CONSTRAINT "shipment_destination_pincode" CHECK ("shipment"."destination_pincode" ~ '^[1-9][0-9]{5}$'),
	CONSTRAINT "shipment_status" CHECK ("shipment"."status" in ('BOOKED', 'IN_TRANSIT', 'AT_DESTINATION', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPTED', 'ON_HOLD', 'DELIVERED', 'RTO_INITIATED', 'RTO_DELIVERED', 'LOST', 'CANCELLED')),
	CONSTRAINT "shipment_delivered_status" CHECK (("shipment"."status" = 'DELIVERED') = ("shipment"."delivered_at" is not null)),
	CONSTRAINT "shipment_remitted_cod" CHECK ("shipment"."cod_remittance_id" is null or ("shipment"."payment_mode" = 'COD' and "shipment"."status" = 'DELIVERED'))
);
--> statement-breakpoint
ALTER TABLE "pickup_location" ADD COLUMN "synthetic" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "service_norm" ADD CONSTRAINT "service_norm_product_code_product_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."product"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_shipment_id_shipment_id_fk" FOREIGN KEY ("shipment_id") REFERENCES "public"."shipment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scan_event" ADD CONSTRAINT "scan_event_office_id_post_office_id_fk" FOREIGN KEY ("office_id") REFERENCES "public"."post_office"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_product_code_product_code_fk" FOREIGN KEY ("product_code") REFERENCES "public"."product"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_pickup_location_id_pickup_location_id_fk" FOREIGN KEY ("pickup_location_id") REFERENCES "public"."pickup_location"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_delivery_office_id_post_office_id_fk" FOREIGN KEY ("delivery_office_id") REFERENCES "public"."post_office"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shipment" ADD CONSTRAINT "shipment_cod_remittance_id_cod_remittance_id_fk" FOREIGN KEY ("cod_remittance_id") REFERENCES "public"."cod_remittance"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "scan_event_identity" ON "scan_event" USING btree ("shipment_id","occurred_at","event_type");--> statement-breakpoint
CREATE UNIQUE INDEX "shipment_tracking_booking" ON "shipment" USING btree ("tracking_number","booking_date");--> statement-breakpoint
CREATE INDEX "shipment_pickup_booked" ON "shipment" USING btree ("pickup_location_id","booked_at","id");--> statement-breakpoint
CREATE INDEX "shipment_destination" ON "shipment" USING btree ("destination_pincode","booked_at","id");--> statement-breakpoint
CREATE INDEX "shipment_booked" ON "shipment" USING btree ("booked_at","id");--> statement-breakpoint
CREATE INDEX "shipment_delivered" ON "shipment" USING btree ("delivered_at");--> statement-breakpoint
CREATE INDEX "shipment_remittance" ON "shipment" USING btree ("cod_remittance_id");--> statement-breakpoint
-- Service norms (docs/DOMAIN-NOTES.md, "Fiscal quarters, KPIs and service norms"): Speed Post local D+1, metro-metro 2, rest of India 4-6 (5 taken);
-- parcels local 3, metro-metro 4-5 (5 taken), rest of the country 6-7 (7 taken). Within one circle and
-- remote destinations (North-East, J&K and Ladakh, islands, Army Postal) are dakgraph's own
-- interpolation and allowance, labelled as such in the schema. Working days: Sundays excluded.
INSERT INTO "service_norm" ("product_code", "route_class", "days") VALUES
  ('SPEED_POST', 'LOCAL', 1),
  ('SPEED_POST', 'METRO_TO_METRO', 2),
  ('SPEED_POST', 'WITHIN_CIRCLE', 3),
  ('SPEED_POST', 'REST_OF_INDIA', 5),
  ('SPEED_POST', 'REMOTE', 7),
  ('SPEED_POST_DOCUMENT', 'LOCAL', 1),
  ('SPEED_POST_DOCUMENT', 'METRO_TO_METRO', 2),
  ('SPEED_POST_DOCUMENT', 'WITHIN_CIRCLE', 3),
  ('SPEED_POST_DOCUMENT', 'REST_OF_INDIA', 5),
  ('SPEED_POST_DOCUMENT', 'REMOTE', 7),
  ('SPEED_POST_PARCEL', 'LOCAL', 1),
  ('SPEED_POST_PARCEL', 'METRO_TO_METRO', 2),
  ('SPEED_POST_PARCEL', 'WITHIN_CIRCLE', 3),
  ('SPEED_POST_PARCEL', 'REST_OF_INDIA', 5),
  ('SPEED_POST_PARCEL', 'REMOTE', 7),
  ('BUSINESS_PARCEL', 'LOCAL', 3),
  ('BUSINESS_PARCEL', 'METRO_TO_METRO', 5),
  ('BUSINESS_PARCEL', 'WITHIN_CIRCLE', 5),
  ('BUSINESS_PARCEL', 'REST_OF_INDIA', 7),
  ('BUSINESS_PARCEL', 'REMOTE', 9),
  ('EXPRESS_PARCEL', 'LOCAL', 3),
  ('EXPRESS_PARCEL', 'METRO_TO_METRO', 5),
  ('EXPRESS_PARCEL', 'WITHIN_CIRCLE', 5),
  ('EXPRESS_PARCEL', 'REST_OF_INDIA', 7),
  ('EXPRESS_PARCEL', 'REMOTE', 9),
  ('INDIA_POST_PARCEL', 'LOCAL', 3),
  ('INDIA_POST_PARCEL', 'METRO_TO_METRO', 5),
  ('INDIA_POST_PARCEL', 'WITHIN_CIRCLE', 5),
  ('INDIA_POST_PARCEL', 'REST_OF_INDIA', 7),
  ('INDIA_POST_PARCEL', 'REMOTE', 9),
  ('REGISTERED_PARCEL', 'LOCAL', 3),
  ('REGISTERED_PARCEL', 'METRO_TO_METRO', 5),
  ('REGISTERED_PARCEL', 'WITHIN_CIRCLE', 5),
  ('REGISTERED_PARCEL', 'REST_OF_INDIA', 7),
  ('REGISTERED_PARCEL', 'REMOTE', 9)
ON CONFLICT DO NOTHING;
