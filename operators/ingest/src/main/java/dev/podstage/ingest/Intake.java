package dev.podstage.ingest;

/** Where source readers put what they read: records, rejects and how many lines they consumed. */
interface Intake {

    void accept(IngestRecord record);

    /** A line or row that cannot become a record: {@code reason} starts with the source's name. */
    void reject(long line, String reason, String raw);

    /** Lines consumed, for progress. */
    void lines(long count);

    /** True once SIGTERM asked the stage to stop: readers stop between records. */
    boolean stopping();
}
