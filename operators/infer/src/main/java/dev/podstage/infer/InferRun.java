package dev.podstage.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.cache.KeyTemplate;
import dev.podstage.runtime.cache.ResultCache;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.resilience.CredentialsRefusedException;
import dev.podstage.runtime.resilience.RequestRejectedException;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.StageOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The work of one {@code infer} run. The main thread streams the input, drops what an earlier
 * attempt already answered, folds identical inputs together, asks the cache in chunks (MGET,
 * without waiting), packs the misses into requests and queues them for the {@link RequestSlots},
 * which keep up to {@code max-in-flight} going through the guarded, failing-over client; it reads
 * ahead only while less than a round of requests is queued. Lookups and answers come back from
 * the event loop as events; only the main thread writes output and cache entries, so none of that
 * state needs locks.
 */
final class InferRun {

    private static final Logger LOG = Logger.getLogger(InferRun.class);

    private final InferSettings s;
    private final StageContext ctx;
    private final CompletableFuture<EndpointClient> clientAhead;
    private final int batchLimit;
    private final LinkedBlockingQueue<RunEvent> events = new LinkedBlockingQueue<>();
    private final KeyTemplate keys;
    private final InferTally tally;
    private final InFlightDedupe dedupe;

    // Main-thread state.
    private final List<Pending> batchBuffer = new ArrayList<>();
    private AtomicFile out;
    /** The partial output's marker holds the job key: a rerun of this job resumes from it. */
    private boolean marked;

    private OutputRecords records;
    private Rejects rejects;
    private ResultCache cache;
    private CacheLookups lookups;
    /** {@link #client()}: joined when the first request launches, so reading and keying need not wait for it. */
    private volatile EndpointClient client;

    private RequestSlots slots;
    /** Requests whose completion the main thread has handled. */
    private long settledRequests;

    /** Why the run stops early, when it is not a SIGTERM: set once, read by the event loop too. */
    private volatile Throwable fatal;

    private volatile boolean budgetStop;

    /** {@code client} is being built meanwhile ({@link EndpointClient#buildAhead}). */
    InferRun(InferSettings settings, StageContext context, CompletableFuture<EndpointClient> client) {
        this.s = settings;
        this.ctx = context;
        this.clientAhead = client;
        this.batchLimit = settings.wire().batchLimit(settings.batchSize());
        this.keys = KeyTemplate.of("infer", settings.wire()::cacheIdentity);
        this.tally = new InferTally(context.metrics(), settings.model());
        this.dedupe = new InFlightDedupe(settings.dedupe());
    }

    StageOutcome execute() throws InterruptedException {
        PartialOutput.Resumed previous = PartialOutput.open(s.output(), ctx::jobKey);
        out = previous.file();
        marked = previous.marked();
        records = new OutputRecords(out, s.model(), s.variant());
        Map<String, Integer> alreadyAnswered = previous.ids();
        slots = new RequestSlots(s.maxInFlight(), new Budget(s.maxCostUsd(), previous.costUsd()), this::launch);
        rejects = new Rejects(s.output());
        cache = ctx.cache("infer");
        lookups = new CacheLookups(cache, batchLimit, s.maxInFlight(), events::add);
        ctx.progress().cost(previous.costUsd());
        warnAboutMissingPrices();
        try (JsonLinesReader reader = new JsonLinesReader(s.input(), rejects)) {
            JsonRecord record;
            while (!stopping() && (record = reader.next()) != null) {
                tally.recordRead();
                if (takeAlreadyAnswered(alreadyAnswered, record.id())) {
                    tally.recordWritten();
                    ctx.progress().done(1);
                    continue;
                }
                accept(record);
                pump();
                while (!stopping() && readAheadFull() && (unsettled() > 0 || lookups.inFlight() > 0)) {
                    awaitOne();
                }
            }
            if (!stopping()) {
                queueMisses(lookups.flush());
            }
            while (!stopping()) {
                pump(); // settles what came back, the last lookups included
                if (lookups.inFlight() == 0) {
                    // No lookup is out, so none can come back and add misses: the buffer's last, partly
                    // filled request goes now. (Checked before pump, a lookup settled inside it left its
                    // misses in the buffer and the loop ended without them: records were lost.)
                    queueBatchBuffer();
                    pump();
                }
                if (stopping() || lookups.inFlight() == 0 && slots.queued() == 0) {
                    break;
                }
                awaitOne(); // a lookup or a request is out: pump sends whatever it can, or stops the run
            }
            awaitInFlight();
            tally.countReaderRejects(rejects.count());
            return finish(previous.records());
        } finally {
            closeClient();
            cache.close();
            rejects.close();
        }
    }

    private void warnAboutMissingPrices() {
        if (!s.pricing().given()) {
            LOG.warn("no prices set (podstage.infer.price-input-per-1k and price-output-per-1k, USD per 1k tokens; on"
                    + " Airflow the connection's price fields): every call counts as $0 in the output, the XCom and"
                    + " the cost metrics");
        } else if (!s.pricing().outputGiven() && s.protocol() != Protocol.OPENAI_EMBEDDINGS) {
            LOG.warn("no output price set (podstage.infer.price-output-per-1k): output tokens count as $0");
        } else if (!s.pricing().inputGiven()) {
            LOG.warn("no input price set (podstage.infer.price-input-per-1k): input tokens count as $0");
        }
    }

    /**
     * The endpoint client, waited for the first time a request launches (on the main thread: later
     * launches come from answers). Until then the run reads, keys and looks up while it is built.
     */
    private EndpointClient client() {
        EndpointClient built = client;
        if (built == null) {
            built = clientAhead.join();
            built.meterInto(
                    ctx.metrics().counter("infer.retries"),
                    ctx.metrics().counter("infer.failovers"),
                    new AttemptMeter(ctx.metrics()));
            client = built;
        }
        return built;
    }

    /** Closes the client, built or still being built; a build that failed was never used, so nothing to close. */
    private void closeClient() {
        clientAhead.whenComplete((built, failure) -> {
            if (built != null) {
                built.close();
            }
        });
    }

    /** True when an earlier attempt already answered this record (one copy per occurrence of the id). */
    private static boolean takeAlreadyAnswered(Map<String, Integer> answered, String id) {
        Integer copies = answered.get(id);
        if (copies == null) {
            return false;
        }
        if (copies == 1) {
            answered.remove(id);
        } else {
            answered.put(id, copies - 1);
        }
        return true;
    }

    /** How often a wait for answers looks for a SIGTERM. */
    private static final long SIGNAL_CHECK_MILLIS = 200;

    private boolean stopping() {
        return fatal != null || budgetStop || ctx.shutdown().requested();
    }

    private void accept(JsonRecord record) {
        String text = record.text(s.inputField());
        if (text == null || text.isBlank()) {
            rejects.reject(
                    record.line(),
                    text == null
                            ? "missing string field '" + s.inputField() + "'"
                            : "field '" + s.inputField() + "' is empty",
                    record.fields().toString());
            tally.rejectedAfterReading();
            return;
        }
        String prompt = s.prompt(text);
        String key = keys.key(prompt);
        Pending.Target target = new Pending.Target(record.id(), record.line());
        if (dedupe.joinOpen(key, target)) {
            tally.deduplicated();
            return;
        }
        StoredAnswer answered = dedupe.answered(key);
        if (answered != null) {
            tally.deduplicated();
            writeRecord(target, answered, 0, OutputRecords.Reuse.DEDUPLICATED);
            records.flush();
            return;
        }
        Pending pending = new Pending(key, prompt, target);
        dedupe.opened(pending);
        queueMisses(lookups.add(pending));
    }

    /** A full round of requests is queued, or enough lookups are out: reading more would only hold memory. */
    private boolean readAheadFull() {
        return slots.queued() >= s.maxInFlight() || lookups.full();
    }

    /** Requests launched whose completion the main thread has not handled yet: each will arrive as an event. */
    private long unsettled() {
        return slots.launched() - settledRequests;
    }

    private void settleLookup(RunEvent.LookedUp lookedUp) {
        if (cache.available() || !lookedUp.hits().isEmpty()) {
            ctx.progress().cache(lookedUp.chunk().size(), lookedUp.hits().size());
        }
        queueMisses(lookups.settle(lookedUp, this::answerFromCache));
    }

    private void queueMisses(List<Pending> misses) {
        for (Pending pending : misses) {
            if (cache.available()) {
                tally.cacheMiss();
            }
            batchBuffer.add(pending);
            if (batchBuffer.size() >= batchLimit) {
                queueBatchBuffer();
            }
        }
    }

    private void queueBatchBuffer() {
        if (!batchBuffer.isEmpty()) {
            List<Pending> batch = List.copyOf(batchBuffer);
            batchBuffer.clear();
            List<String> prompts = batch.stream().map(p -> p.prompt).toList();
            slots.add(new RequestSlots.Ready(batch, prompts, EndpointClient.body(s, prompts), estimate(batch)));
        }
    }

    private void answerFromCache(Pending pending, StoredAnswer answer) {
        tally.cacheHit();
        for (Pending.Target target : pending.targets) {
            writeRecord(target, answer, 0, OutputRecords.Reuse.CACHED);
        }
        dedupe.settled(pending, answer);
    }

    /** Settles the finished requests and lookups, then fills the free in-flight slots from the queue; never blocks. */
    private void pump() {
        drainEvents();
        if (!stopping() && slots.fill()) {
            budgetStop = true; // even with nothing in flight the next request would cross the limit
        }
        if (stopping()) {
            slots.close();
        }
    }

    /**
     * Waits for one request or lookup to finish (one must be out), then pumps. A SIGTERM ends the wait
     * too: no event announces it, and an endpoint that holds every request open would otherwise keep
     * the run here until the pod's grace period ran out in SIGKILL (exit 137, its ledger claim left to
     * expire); the callers' loops then stop and {@link #awaitInFlight()} gives the requests their grace.
     */
    private void awaitOne() throws InterruptedException {
        if (unsettled() >= s.maxInFlight()) {
            markPartial(); // early, once every slot is busy: the CPU would idle for a round trip anyway
        }
        RunEvent event;
        while ((event = events.poll(SIGNAL_CHECK_MILLIS, TimeUnit.MILLISECONDS)) == null) {
            if (ctx.shutdown().requested()) {
                pump();
                return;
            }
        }
        handle(event);
        pump();
    }

    /**
     * Writes the job key beside the partial output once, working it out first if nobody has yet (the
     * input's SHA-256 pass): not before the first round of requests, which it would hold back, but
     * before any paid answer is written (settleRequest) and before a stopped run leaves its partial
     * output (suspend).
     */
    private void markPartial() {
        if (!marked) {
            PartialOutput.mark(s.output(), ctx.jobKey());
            marked = true;
        }
    }

    /**
     * Sends one request; runs on the main thread or on the event loop that just freed the slot.
     * An answer hands its slot on first and then goes to the main thread as an event: waking the
     * main thread first put its settling (and the wake-up itself) in front of the next request.
     * Until its event is handled the ended request still counts as unsettled, so none is ever
     * unaccounted for.
     */
    private void launch(RequestSlots.Ready request) {
        List<Pending> batch = request.batch();
        tally.requestSent(batch.size());
        long start = System.nanoTime();
        client().send(s, request.prompts(), request.body(), this::stopping)
                .subscribe()
                .with(
                        answer -> {
                            long latencyMs = millisSince(start);
                            try {
                                slots.ended(!ctx.shutdown().requested());
                            } finally {
                                events.add(new RunEvent.Answered(
                                        batch, request.estimate(), latencyMs, answer.value(), answer.endpoint()));
                            }
                        },
                        error -> {
                            events.add(new RunEvent.Failed(batch, request.estimate(), millisSince(start), error));
                            slots.ended(false); // the main thread decides whether the run goes on
                        });
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private double estimate(List<Pending> batch) {
        long in = 0;
        for (Pending p : batch) {
            in += WireFormat.estimateTokens(p.prompt);
        }
        return s.pricing().cost(in, s.wire().maxOutputTokens() * batch.size());
    }

    private void drainEvents() {
        RunEvent event;
        while ((event = events.poll()) != null) {
            handle(event);
        }
    }

    /**
     * Waits for the requests still out and for the cache lookups: a stopping run (budget, SIGTERM,
     * a fatal failure) still saves the answers its lookups find, which cost nothing. Left out, they
     * were lost to a race: a lookup that came back after the budget stopped the run went unread.
     */
    private void awaitInFlight() throws InterruptedException {
        long graceDeadline = Long.MAX_VALUE;
        while (unsettled() > 0 || lookups.inFlight() > 0) {
            if (ctx.shutdown().requested() && graceDeadline == Long.MAX_VALUE) {
                graceDeadline = System.nanoTime() + s.shutdownGrace().toNanos();
            }
            long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), Math.max(0, graceDeadline - System.nanoTime()));
            RunEvent event = events.poll(wait, TimeUnit.NANOSECONDS);
            if (event != null) {
                handle(event);
            } else if (System.nanoTime() >= graceDeadline) {
                LOG.warnf(
                        "abandoning %d in-flight requests and %d cache lookups after the %s shutdown grace;"
                                + " their records are asked again on rerun",
                        unsettled(), lookups.inFlight(), s.shutdownGrace());
                return;
            }
        }
    }

    private void handle(RunEvent event) {
        if (event instanceof RunEvent.LookedUp lookedUp) {
            settleLookup(lookedUp);
        } else if (event instanceof RunEvent.Completion done) {
            settleRequest(done);
        }
        records.flush(); // once per event, not per record
    }

    private void settleRequest(RunEvent.Completion done) {
        markPartial(); // usually done already, in the wait for the first answers
        settledRequests++;
        tally.requestEnded(done.latencyMs());
        if (done instanceof RunEvent.Answered answered) {
            settleAnswered(answered);
        } else if (done instanceof RunEvent.Failed failed) {
            settleFailed(failed);
        }
    }

    private void settleAnswered(RunEvent.Answered answered) {
        String endpoint = answered.endpoint();
        double cost = 0;
        Map<String, String> cacheWrites = new LinkedHashMap<>();
        for (int i = 0; i < answered.batch().size(); i++) {
            Pending pending = answered.batch().get(i);
            ItemAnswer a = answered.answers().get(i);
            double itemCost = s.pricing().cost(a.inputTokens(), a.outputTokens());
            cost += itemCost;
            StoredAnswer answer = StoredAnswer.of(a, endpoint, answered.latencyMs());
            boolean first = true;
            for (Pending.Target target : pending.targets) {
                writeRecord(
                        target,
                        answer,
                        first ? itemCost : 0,
                        first ? OutputRecords.Reuse.NONE : OutputRecords.Reuse.DEDUPLICATED);
                first = false;
            }
            cacheWrites.put(pending.key, answer.toJson());
            dedupe.settled(pending, answer);
        }
        tally.answered(endpoint, answered.answers(), cost);
        slots.settle(answered.estimate(), cost);
        ctx.progress().cost(cost);
        cache.putAll(cacheWrites);
    }

    private void settleFailed(RunEvent.Failed failed) {
        slots.settle(failed.estimate(), 0);
        Throwable error = failed.error();
        if (error instanceof RequestRejectedException rejected) {
            for (Pending pending : failed.batch()) {
                for (Pending.Target target : pending.targets) {
                    rejects.reject(
                            target.line(), "endpoint rejected the request: " + rejected.getMessage(), target.id());
                    tally.rejectedAfterReading();
                }
                dedupe.dropped(pending);
            }
            return;
        }
        if (stopping()) {
            return; // the run is ending (SIGTERM, budget, an earlier failure): this request stopped waiting for it
        }
        fatal = error;
        tally.requestFailed();
        LOG.errorf(
                "every endpoint failed for a request of %d inputs: %s",
                failed.batch().size(),
                error instanceof CredentialsRefusedException refused
                        ? StopReason.CredentialsRefused.describe(refused)
                        : StopReason.EndpointsFailed.describe(error));
    }

    private void writeRecord(Pending.Target target, StoredAnswer answer, double cost, OutputRecords.Reuse reuse) {
        records.write(target.id(), answer, cost, reuse);
        tally.recordWritten();
        ctx.progress().done(1);
    }

    /** Why the run stopped before its input was done, or null when it was not stopped. */
    private StopReason stopReason() {
        if (ctx.shutdown().requested()) {
            return new StopReason.Signalled();
        }
        Throwable failure = fatal;
        if (failure instanceof CredentialsRefusedException refused) {
            return new StopReason.CredentialsRefused(refused);
        }
        if (failure != null) {
            return new StopReason.EndpointsFailed(failure, s.maxOutage());
        }
        if (budgetStop) {
            return new StopReason.BudgetReached(slots.describeBudget());
        }
        return null;
    }

    private StageOutcome finish(long resumedRecords) {
        records.flush();
        StopReason stopped = stopReason();
        if (stopped == null) {
            StageOutcome outcome = outcome(resumedRecords);
            try {
                outcome.requireNothingLost();
            } catch (StageException lost) {
                stopped = new StopReason.RecordsLost(lost);
            }
            if (stopped == null) {
                out.commit();
                rejects.commit();
                PartialOutput.finished(s.output());
                return outcome;
            }
        }
        suspend(); // what was answered stays, marked: the rerun asks only for the records still to answer
        throw stopped.failure(tally.recordsOut());
    }

    private StageOutcome outcome(long resumedRecords) {
        return new StageOutcome(
                tally.recordsIn(),
                tally.recordsOut(),
                rejects.count(),
                0,
                List.of(DataUri.toUri(s.output())),
                tally.metrics(
                        slots.launched(),
                        client == null ? 0 : client.retries(),
                        client == null ? 0 : client.failovers(),
                        cache.available(),
                        resumedRecords,
                        slots.spent()),
                extra());
    }

    /** Leaves the partial output for a rerun, saying whose it is. */
    private void suspend() {
        markPartial();
        out.suspend();
    }

    private ObjectNode extra() {
        ObjectNode extra = StageOutcome.object();
        extra.put("model", s.model());
        extra.put("protocol", s.protocol().configName());
        extra.put("pricing", s.pricing().given() ? "given" : "missing");
        if (s.variant() != null) {
            extra.put("variant", s.variant());
        }
        if (rejects.count() > 0) {
            extra.put("rejects_uri", DataUri.toUri(rejects.path()));
        }
        return extra;
    }
}
