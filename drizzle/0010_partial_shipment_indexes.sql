DROP INDEX "shipment_delivered";--> statement-breakpoint
DROP INDEX "shipment_remittance";--> statement-breakpoint
CREATE INDEX "shipment_delivered" ON "shipment" USING btree ("delivered_at") WHERE "shipment"."delivered_at" is not null;--> statement-breakpoint
CREATE INDEX "shipment_remittance" ON "shipment" USING btree ("cod_remittance_id") WHERE "shipment"."cod_remittance_id" is not null;