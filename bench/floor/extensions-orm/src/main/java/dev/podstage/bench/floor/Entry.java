package dev.podstage.bench.floor;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;

/** One entity, as the ledger has: the persistence unit Hibernate builds its metadata for at start. */
@Entity
public class Entry {

    @Id
    public String key;

    public String status;
}
