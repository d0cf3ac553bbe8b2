export * from './accounts.ts';
export * from './discussions.ts';
export * from './moderation.ts';
export * from './experiences.ts';
export * from './events.ts';
