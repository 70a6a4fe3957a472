CREATE TABLE "product" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"effective_from" date,
	"effective_to" date,
	"min_weight_grams" integer,
	"max_weight_grams" integer,
	CONSTRAINT "product_code_format" CHECK ("product"."code" ~ '^[A-Z][A-Z0-9_]{1,39}$'),
	CONSTRAINT "product_dates" CHECK ("product"."effective_to" is null or "product"."effective_from" is null or "product"."effective_to" >= "product"."effective_from")
);
--> statement-breakpoint
-- The product code list (docs/DOMAIN-NOTES.md, "Products, cash on delivery and scans"). From 16 Dec 2024 Speed Post is sold as Speed Post Document and Speed Post
-- Parcel, and India Post Parcel replaces Business Parcel (and the ordinary parcel). Earlier start dates are not
-- recorded here: null means "offered before the data dakgraph holds".
INSERT INTO "product" ("code", "name", "description", "effective_from", "effective_to", "min_weight_grams", "max_weight_grams") VALUES
  ('SPEED_POST', 'Speed Post', 'Time-bound express delivery of documents and parcels up to 35 kg.', NULL, '2024-12-15', NULL, 35000),
  ('BUSINESS_PARCEL', 'Business Parcel', 'Contract parcel service for businesses, 2-35 kg, returns by the same channel.', NULL, '2024-12-15', 2000, 35000),
  ('EXPRESS_PARCEL', 'Express Parcel', 'Express Parcel: contract parcel service; terms as per the contract.', NULL, NULL, NULL, NULL),
  ('REGISTERED_PARCEL', 'Registered Parcel', 'Registered Parcel: parcel sent under registration, with proof of delivery.', NULL, NULL, NULL, NULL),
  ('SPEED_POST_DOCUMENT', 'Speed Post Document', 'Speed Post for documents, from 16 Dec 2024.', '2024-12-16', NULL, NULL, NULL),
  ('SPEED_POST_PARCEL', 'Speed Post Parcel', 'Speed Post for parcels, from 16 Dec 2024.', '2024-12-16', NULL, NULL, NULL),
  ('INDIA_POST_PARCEL', 'India Post Parcel', 'Parcel service merging the ordinary parcel and Business Parcel, from 16 Dec 2024.', '2024-12-16', NULL, NULL, NULL)
ON CONFLICT ("code") DO NOTHING;
