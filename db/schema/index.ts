export * from './accounts.ts';
export * from './discussions.ts';
