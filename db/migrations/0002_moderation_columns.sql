CREATE TYPE "public"."post_status" AS ENUM('published', 'pending', 'rejected');--> statement-breakpoint
ALTER TYPE "public"."notification_kind" ADD VALUE 'post_approved';--> statement-breakpoint
ALTER TYPE "public"."notification_kind" ADD VALUE 'post_rejected';--> statement-breakpoint
ALTER TYPE "public"."notification_kind" ADD VALUE 'moderation';--> statement-breakpoint
ALTER TYPE "public"."notification_kind" ADD VALUE 'warning';--> statement-breakpoint
-- The first audit log (role changes) makes way for the moderation one of 0003, which takes
-- over its rows (hand-edited: drizzle-kit would have dropped them).
ALTER TABLE "audit_log" RENAME TO "audit_log_v1";--> statement-breakpoint
ALTER INDEX "audit_log_pkey" RENAME TO "audit_log_v1_pkey";--> statement-breakpoint
ALTER INDEX "audit_log_target_idx" RENAME TO "audit_log_v1_target_idx";--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "suspended_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "suspension_reason" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "status" "post_status" DEFAULT 'published' NOT NULL;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_by" uuid;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "hidden_reason" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "rejection_reason" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "rejection_note" text;--> statement-breakpoint
ALTER TABLE "posts" ADD COLUMN "is_synthesis" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "review_first_posts" integer;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "report_threshold" integer DEFAULT 3 NOT NULL;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "slow_mode_seconds" integer;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "slow_mode_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "spaces" ADD COLUMN "slow_mode_reason" text;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "deleted_by" uuid;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "locked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "pinned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "synthesis_post_id" uuid;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "slow_mode_seconds" integer;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "slow_mode_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "threads" ADD COLUMN "slow_mode_reason" text;--> statement-breakpoint
ALTER TABLE "posts" ADD CONSTRAINT "posts_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "threads" ADD CONSTRAINT "threads_deleted_by_users_id_fk" FOREIGN KEY ("deleted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "posts_pending_idx" ON "posts" USING btree ("created_at") WHERE status = 'pending';