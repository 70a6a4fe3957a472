DROP INDEX "post_office_name_prefix";--> statement-breakpoint
CREATE INDEX "post_office_name_prefix" ON "post_office" USING btree (lower("name") text_pattern_ops,"name","id");