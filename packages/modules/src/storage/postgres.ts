/** PostgreSQL's port, used by the database, its proxy and the rules that admit clients. */
export const POSTGRES_PORT = 5432;
