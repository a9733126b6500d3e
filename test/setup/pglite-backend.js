process.env.TEST_DB_BACKEND = 'pglite';
