ALTER TABLE "threads" ADD COLUMN "lock_reason" text;--> statement-breakpoint
-- Threads locked before this column existed: their reason was only in the audit log.
UPDATE "threads" SET "lock_reason" = (
	SELECT "reason" FROM "audit_log"
	WHERE "target_type" = 'thread' AND "target_id" = "threads"."id"::text AND "action" = 'thread.lock'
	ORDER BY "at" DESC, "id" DESC LIMIT 1
) WHERE "locked_at" IS NOT NULL;
