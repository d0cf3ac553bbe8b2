import { z } from 'zod';

/** 10 MB per file: a report or a few photos, not a video. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Per fiche. */
export const MAX_ATTACHMENTS = 20;
/** Longest kept file name (characters), extension included. */
export const MAX_FILENAME_LENGTH = 150;

export const experienceIdParams = z.strictObject({ id: z.uuid('error_not_found') });
export const attachmentIdParams = z.strictObject({ id: z.uuid('error_not_found') });

/** The file name travels in `?nom=` (or the X-Filename header), UTF-8 percent-encoded. */
export const uploadQuery = z.strictObject({ nom: z.string().max(1000, 'att_error_filename').optional() });

export const attachmentOutput = z.object({
	id: z.uuid(),
	filename: z.string(),
	/** Detected from the bytes. */
	mimeType: z.string(),
	size: z.number().int(),
	/** Where the bytes are served (`attachments.get`). */
	url: z.string(),
	createdAt: z.string()
});
export type AttachmentOutput = z.infer<typeof attachmentOutput>;
