package io.cotrain.validator.gateway;

import javax.sql.DataSource;

/** The event index's database contract on H2, the node's default. */
class LedgerStoreTest extends LedgerStoreContract {
    @Override
    DataSource database() {
        return IndexDatabases.h2();
    }
}
