CREATE TABLE "api_key" (
	"id" serial PRIMARY KEY NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"name" text NOT NULL,
	"organisation" text NOT NULL,
	"roles" text[] NOT NULL,
	"circle_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "api_key_prefix_unique" UNIQUE("prefix"),
	CONSTRAINT "api_key_key_hash_unique" UNIQUE("key_hash"),
	CONSTRAINT "api_key_organisation" CHECK ("api_key"."organisation" in ('AMAZON', 'INDIA_POST', 'PARTNERSHIP')),
	CONSTRAINT "api_key_roles" CHECK (cardinality("api_key"."roles") > 0)
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text NOT NULL,
	"viewer_kind" text NOT NULL,
	"api_key_id" integer,
	"viewer_name" text,
	"organisation" text,
	"operation_name" text,
	"fields" text[] NOT NULL,
	"input_bytes" integer NOT NULL,
	"outcome" text NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "api_key" ADD CONSTRAINT "api_key_circle_id_postal_circle_id_fk" FOREIGN KEY ("circle_id") REFERENCES "public"."postal_circle"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_api_key" ON "audit_log" USING btree ("api_key_id");