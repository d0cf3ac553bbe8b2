import { z } from 'zod';

export const REVIEW_FIRST_POSTS_DEFAULT = 2;

/** How many of a new member's first posts go to review: 0 turns review off. */
export const reviewFirstPostsValue = z
	.int('settings_error_review_first_posts')
	.min(0, 'settings_error_review_first_posts')
	.max(20, 'settings_error_review_first_posts');

/** Distinct members' reports that hide an item pending review. */
export const reportThresholdValue = z
	.int('settings_error_report_threshold')
	.min(1, 'settings_error_report_threshold')
	.max(50, 'settings_error_report_threshold');

export const siteSettingsInput = z.strictObject({ reviewFirstPosts: reviewFirstPostsValue });
export type SiteSettingsInput = z.infer<typeof siteSettingsInput>;

export const siteSettingsOutput = z.object({ reviewFirstPosts: z.number().int() });
export type SiteSettingsOutput = z.infer<typeof siteSettingsOutput>;
