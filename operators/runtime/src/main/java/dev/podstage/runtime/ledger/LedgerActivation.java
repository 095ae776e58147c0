package dev.podstage.runtime.ledger;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Boots Hibernate Reactive only when a ledger is configured ({@code PODSTAGE_DB_URL}): a run
 * without one must neither fail on the inactive datasource nor pay Hibernate's start-up time.
 * A low ordinal, so an explicit {@code quarkus.hibernate-orm.active} still wins.
 */
public class LedgerActivation implements ConfigSource {

    private static final String KEY = "quarkus.hibernate-orm.active";

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(KEY);
    }

    @Override
    public String getValue(String propertyName) {
        return KEY.equals(propertyName) ? Boolean.toString(configured()) : null;
    }

    @Override
    public Map<String, String> getProperties() {
        return Map.of(KEY, Boolean.toString(configured()));
    }

    static boolean configured() {
        String value = System.getProperty("podstage.db-url", System.getenv("PODSTAGE_DB_URL"));
        return value != null && !value.isBlank();
    }

    @Override
    public int getOrdinal() {
        return 50;
    }

    @Override
    public String getName() {
        return "podstage-ledger-activation";
    }
}
