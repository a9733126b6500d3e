process.env.TEST_DB_BACKEND = 'postgres';
