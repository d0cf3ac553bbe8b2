import { z } from 'zod';

export const errorOutput = z.object({
	error: z.object({
		code: z.string(),
		message: z.string(),
		fields: z.record(z.string(), z.string()).optional()
	})
});

/** Documents the shared error shape for the listed statuses of an operation. */
export function errorResponses(...statuses: number[]): Record<number, typeof errorOutput> {
	return Object.fromEntries(statuses.map((s) => [s, errorOutput]));
}
