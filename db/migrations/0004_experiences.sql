CREATE TYPE "public"."experience_status" AS ENUM('draft', 'submitted', 'returned', 'published');--> statement-breakpoint
CREATE TABLE "experience_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"experience_id" uuid NOT NULL,
	"storage_key" text NOT NULL,
	"filename" text NOT NULL,
	"mime_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experience_authors" (
	"experience_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"added_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experience_authors_experience_id_user_id_pk" PRIMARY KEY("experience_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "experience_versions" (
	"experience_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"content" jsonb NOT NULL,
	"submitted_by" uuid,
	"approved_by" uuid,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experience_versions_experience_id_number_pk" PRIMARY KEY("experience_id","number")
);
--> statement-breakpoint
CREATE TABLE "experiences" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"space_id" uuid NOT NULL,
	"status" "experience_status" DEFAULT 'draft' NOT NULL,
	"draft" jsonb NOT NULL,
	"return_comment" text,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"published" jsonb,
	"published_version" integer DEFAULT 0 NOT NULL,
	"published_at" timestamp with time zone,
	"first_published_at" timestamp with time zone,
	"thread_id" uuid,
	"title" text,
	"summary" text,
	"countries" text[] DEFAULT '{}'::text[] NOT NULL,
	"mechanism" text,
	"targets" text[] DEFAULT '{}'::text[] NOT NULL,
	"area" text,
	"start_year" integer,
	"end_year" integer,
	"has_results" boolean DEFAULT false NOT NULL,
	"members" bigint,
	"search" "tsvector",
	"is_demo" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "experience_attachments" ADD CONSTRAINT "experience_attachments_experience_id_experiences_id_fk" FOREIGN KEY ("experience_id") REFERENCES "public"."experiences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_attachments" ADD CONSTRAINT "experience_attachments_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_authors" ADD CONSTRAINT "experience_authors_experience_id_experiences_id_fk" FOREIGN KEY ("experience_id") REFERENCES "public"."experiences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_authors" ADD CONSTRAINT "experience_authors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_authors" ADD CONSTRAINT "experience_authors_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_versions" ADD CONSTRAINT "experience_versions_experience_id_experiences_id_fk" FOREIGN KEY ("experience_id") REFERENCES "public"."experiences"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_versions" ADD CONSTRAINT "experience_versions_submitted_by_users_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experience_versions" ADD CONSTRAINT "experience_versions_approved_by_users_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiences" ADD CONSTRAINT "experiences_space_id_spaces_id_fk" FOREIGN KEY ("space_id") REFERENCES "public"."spaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiences" ADD CONSTRAINT "experiences_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "experiences" ADD CONSTRAINT "experiences_thread_id_threads_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."threads"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "experience_attachments_experience_idx" ON "experience_attachments" USING btree ("experience_id");--> statement-breakpoint
CREATE INDEX "experience_authors_user_idx" ON "experience_authors" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "experiences_published_idx" ON "experiences" USING btree ("published_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE published is not null;--> statement-breakpoint
CREATE INDEX "experiences_countries_idx" ON "experiences" USING gin ("countries");--> statement-breakpoint
CREATE INDEX "experiences_targets_idx" ON "experiences" USING gin ("targets");--> statement-breakpoint
CREATE INDEX "experiences_mechanism_idx" ON "experiences" USING btree ("mechanism");--> statement-breakpoint
CREATE INDEX "experiences_search_idx" ON "experiences" USING gin ("search");--> statement-breakpoint
CREATE INDEX "experiences_status_idx" ON "experiences" USING btree ("status","submitted_at");