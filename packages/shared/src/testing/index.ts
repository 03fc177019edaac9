export { createTestDatabase, type TestDatabase } from './test-database.js';
export { startTestPostgres } from './test-postgres.js';
