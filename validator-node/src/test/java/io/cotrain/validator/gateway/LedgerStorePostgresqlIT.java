package io.cotrain.validator.gateway;

import javax.sql.DataSource;

/** The event index's database contract on a real PostgreSQL server, the operators' choice. */
class LedgerStorePostgresqlIT extends LedgerStoreContract {
    @Override
    DataSource database() throws Exception {
        return IndexDatabases.postgresql();
    }
}
