package dev.podstage.infer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.podstage.runtime.cache.KeyTemplate;
import dev.podstage.runtime.cache.ResultCache;
import dev.podstage.runtime.io.AtomicFile;
import dev.podstage.runtime.io.DataUri;
import dev.podstage.runtime.io.JsonLinesReader;
import dev.podstage.runtime.io.JsonRecord;
import dev.podstage.runtime.io.Rejects;
import dev.podstage.runtime.metrics.MicroDollarCounter;
import dev.podstage.runtime.resilience.EndpointsDownException;
import dev.podstage.runtime.resilience.RemoteCallException;
import dev.podstage.runtime.stage.ExitCode;
import dev.podstage.runtime.stage.StageContext;
import dev.podstage.runtime.stage.StageException;
import dev.podstage.runtime.stage.StageOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import java.util.ArrayList;
import java.util.HashMap;
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
    private static final int MAX_LOOKUPS_IN_FLIGHT = 2;

    /** What the event loop hands the main thread: a finished request or a finished cache lookup. */
    private sealed interface Event permits Completion, LookedUp {}

    /** The cache's answer for a chunk of inputs: the readable entries found (the rest are misses). */
    private record LookedUp(List<Pending> chunk, Map<String, StoredAnswer> hits) implements Event {}

    /** How a request ended. */
    private sealed interface Completion extends Event permits Answered, Failed {
        List<Pending> batch();

        double estimate();

        /** From sending to the answer arriving on the event loop, retries included. */
        long latencyMs();
    }

    private record Answered(
            List<Pending> batch, double estimate, long latencyMs, List<ItemAnswer> answers, String endpoint)
            implements Completion {}

    private record Failed(List<Pending> batch, double estimate, long latencyMs, Throwable error)
            implements Completion {}

    private final InferSettings s;
    private final StageContext ctx;
    private final CompletableFuture<EndpointClient> clientAhead;
    private final int batchLimit;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final KeyTemplate keys;

    // Main-thread state.
    private final Map<String, Pending> open = new HashMap<>();
    private final Map<String, StoredAnswer> answeredThisRun = new HashMap<>();
    private final List<Pending> lookupBuffer = new ArrayList<>();
    private final List<Pending> batchBuffer = new ArrayList<>();
    private int lookupChunk;
    private int lookupsInFlight;
    private final List<Long> latencies = new ArrayList<>();
    private final Map<String, Long> requestsByEndpoint = new LinkedHashMap<>();
    private AtomicFile out;
    /** The partial output's marker holds the job key: a rerun of this job resumes from it. */
    private boolean marked;

    private OutputRecords records;
    private Rejects rejects;
    private ResultCache cache;
    /** {@link #client()}: joined when the first request launches, so reading and keying need not wait for it. */
    private volatile EndpointClient client;

    private RequestSlots slots;
    /** Requests whose completion the main thread has handled. */
    private long settledRequests;

    private volatile Throwable fatal;
    private volatile boolean budgetStop;
    private long recordsIn;
    private long recordsOut;
    private long rejectedAfterReading;
    private long deduplicated;
    private long cacheHits;
    private long cacheMisses;
    private long tokensIn;
    private long tokensOut;
    private double costThisRun;

    // Meters.
    private final Counter cacheHitCounter;
    private final Counter cacheMissCounter;
    private final MicroDollarCounter costCounter;
    private final Counter failedRequests;
    private final Counter tokensInCounter;
    private final Counter tokensOutCounter;
    private final DistributionSummary batchSize;

    /** {@code client} is being built meanwhile ({@link EndpointClient#buildAhead}). */
    InferRun(InferSettings settings, StageContext context, CompletableFuture<EndpointClient> client) {
        this.s = settings;
        this.ctx = context;
        this.clientAhead = client;
        this.batchLimit = settings.wire().batchLimit(settings.batchSize());
        this.keys = KeyTemplate.of("infer", settings.wire()::cacheIdentity);
        this.lookupChunk = batchLimit;
        var m = context.metrics();
        cacheHitCounter = m.counter("cache.hits", "namespace", "infer");
        cacheMissCounter = m.counter("cache.misses", "namespace", "infer");
        costCounter = m.microDollars("infer.cost_microusd", "model", s.model());
        failedRequests = m.counter("infer.requests.failed");
        tokensInCounter = m.counter("infer.tokens", "direction", "input", "model", s.model());
        tokensOutCounter = m.counter("infer.tokens", "direction", "output", "model", s.model());
        batchSize = m.summary("infer.batch.size");
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
        ctx.progress().cost(previous.costUsd());
        if (!s.pricing().given()) {
            LOG.warn("no prices set (podstage.infer.price-input-per-1k and price-output-per-1k, USD per 1k tokens; on"
                    + " Airflow the connection's price fields): every call counts as $0 in the output, the XCom and"
                    + " the cost metrics");
        } else if (!s.pricing().outputGiven() && s.protocol() != Protocol.OPENAI_EMBEDDINGS) {
            LOG.warn("no output price set (podstage.infer.price-output-per-1k): output tokens count as $0");
        } else if (!s.pricing().inputGiven()) {
            LOG.warn("no input price set (podstage.infer.price-input-per-1k): input tokens count as $0");
        }
        try (JsonLinesReader reader = new JsonLinesReader(s.input(), rejects)) {
            JsonRecord record;
            while (!stopping() && (record = reader.next()) != null) {
                recordsIn++;
                if (takeAlreadyAnswered(alreadyAnswered, record.id())) {
                    recordsOut++;
                    ctx.progress().done(1);
                    continue;
                }
                accept(record);
                pump();
                while (!stopping() && readAheadFull() && (unsettled() > 0 || lookupsInFlight > 0)) {
                    awaitOne();
                }
            }
            if (!stopping()) {
                flushLookups();
            }
            while (!stopping()) {
                pump(); // settles what came back, the last lookups included
                if (lookupsInFlight == 0) {
                    // No lookup is out, so none can come back and add misses: the buffer's last, partly
                    // filled request goes now. (Checked before pump, a lookup settled inside it left its
                    // misses in the buffer and the loop ended without them: 16 records lost, seen once.)
                    queueBatchBuffer();
                    pump();
                }
                if (stopping() || lookupsInFlight == 0 && slots.queued() == 0) {
                    break;
                }
                awaitOne(); // a lookup or a request is out: pump sends whatever it can, or stops the run
            }
            awaitInFlight();
            recordsIn += rejects.count() - rejectedAfterReading; // lines the reader rejected were input too
            return finish(previous.records());
        } finally {
            closeClient();
            cache.close();
            rejects.close();
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
            rejectedAfterReading++;
            return;
        }
        String prompt = s.prompt(text);
        String key = keys.key(prompt);
        Pending.Target target = new Pending.Target(record.id(), record.line());
        if (s.dedupe()) {
            Pending same = open.get(key);
            if (same != null) {
                same.targets.add(target);
                deduplicated++;
                return;
            }
            StoredAnswer answered = answeredThisRun.get(key);
            if (answered != null) {
                deduplicated++;
                writeRecord(target, answered, 0, OutputRecords.Reuse.DEDUPLICATED);
                records.flush();
                return;
            }
        }
        Pending pending = new Pending(key, prompt, target);
        if (s.dedupe()) {
            open.put(key, pending);
        }
        lookupBuffer.add(pending);
        if (lookupBuffer.size() >= lookupChunk()) {
            flushLookups();
        }
    }

    /** A full round of requests is queued, or enough lookups are out: reading more would only hold memory. */
    private boolean readAheadFull() {
        return slots.queued() >= s.maxInFlight() || lookupsInFlight >= MAX_LOOKUPS_IN_FLIGHT;
    }

    /** Requests launched whose completion the main thread has not handled yet: each will arrive as an event. */
    private long unsettled() {
        return slots.launched() - settledRequests;
    }

    /**
     * Keys per MGET: one request's worth at first, so the first request leaves as soon as possible
     * (the slot it starts finishes first and takes the run's last, odd request: its start is the
     * run's critical path, the other slots have a round trip to follow it), then doubling up to
     * enough to keep every slot fed twice over (512 to 2048).
     */
    private int lookupChunk() {
        return Math.min(lookupChunk, Math.max(512, Math.min(2048, 2 * batchLimit * s.maxInFlight())));
    }

    /** Asks the cache about the buffered inputs without waiting; the answer comes back as an event. */
    private void flushLookups() {
        if (lookupBuffer.isEmpty()) {
            return;
        }
        List<Pending> chunk = List.copyOf(lookupBuffer);
        lookupBuffer.clear();
        lookupChunk = 2 * chunk.size();
        if (!cache.available()) {
            queueMisses(chunk);
            return;
        }
        lookupsInFlight++;
        // Entries are decoded where Redis answers (the event loop), not on the main thread that
        // reads, keys and writes: a fully cached run spent a fifth of its main thread decoding.
        // Without dedupe a key may repeat: MGET answers each occurrence, the map of hits keeps one.
        cache.lookup(chunk.stream().map(p -> p.key).toList())
                .map(InferRun::readable)
                .subscribe()
                .with(
                        hits -> events.add(new LookedUp(chunk, hits)),
                        failure ->
                                events.add(new LookedUp(chunk, Map.of()))); // lookup never fails; if it did, all miss
    }

    /** The entries that are stored answers; an unreadable one is a miss, and the fresh answer overwrites it. */
    private static Map<String, StoredAnswer> readable(Map<String, String> entries) {
        Map<String, StoredAnswer> answers = new HashMap<>(entries.size() * 4 / 3 + 1);
        entries.forEach((key, entry) -> {
            StoredAnswer answer = StoredAnswer.parse(entry);
            if (answer != null) {
                answers.put(key, answer);
            }
        });
        return answers;
    }

    private void settleLookup(LookedUp lookedUp) {
        lookupsInFlight--;
        List<Pending> chunk = lookedUp.chunk();
        Map<String, StoredAnswer> hits = lookedUp.hits();
        if (cache.available() || !hits.isEmpty()) {
            ctx.progress().cache(chunk.size(), hits.size());
        }
        if (!hits.isEmpty()) {
            for (Pending pending : chunk) {
                StoredAnswer cached = hits.get(pending.key);
                if (cached != null) {
                    answerFromCache(pending, cached);
                    pending.answered = true;
                }
            }
        }
        queueMisses(chunk);
    }

    private void queueMisses(List<Pending> chunk) {
        for (Pending pending : chunk) {
            if (pending.answered) {
                continue;
            }
            if (cache.available()) {
                cacheMisses++;
                cacheMissCounter.increment();
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
        cacheHits++;
        cacheHitCounter.increment();
        for (Pending.Target target : pending.targets) {
            writeRecord(target, answer, 0, OutputRecords.Reuse.CACHED);
        }
        settle(pending, answer);
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
        Event event;
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
     * input's SHA-256 pass, about 25 ms for 10k records): not before the first round of requests,
     * which it would hold back, but before any paid answer is written (settleRequest) and before a
     * stopped run leaves its partial output (suspend).
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
     * main thread first put its settling (and the wake-up itself) in front of the next request,
     * about 10-17 ms of a cold 10k run over 16 alternating pairs. Until its event is handled the
     * ended request still counts as unsettled, so none is ever unaccounted for.
     */
    private void launch(RequestSlots.Ready request) {
        List<Pending> batch = request.batch();
        batchSize.record(batch.size());
        long start = System.nanoTime();
        client().send(s, request.prompts(), request.body(), this::stopping)
                .subscribe()
                .with(
                        answer -> {
                            long latencyMs = millisSince(start);
                            try {
                                slots.ended(!ctx.shutdown().requested());
                            } finally {
                                events.add(new Answered(
                                        batch, request.estimate(), latencyMs, answer.value(), answer.endpoint()));
                            }
                        },
                        error -> {
                            events.add(new Failed(batch, request.estimate(), millisSince(start), error));
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
        Event event;
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
        while (unsettled() > 0 || lookupsInFlight > 0) {
            if (ctx.shutdown().requested() && graceDeadline == Long.MAX_VALUE) {
                graceDeadline = System.nanoTime() + s.shutdownGrace().toNanos();
            }
            long wait = Math.min(TimeUnit.MILLISECONDS.toNanos(200), Math.max(0, graceDeadline - System.nanoTime()));
            Event event = events.poll(wait, TimeUnit.NANOSECONDS);
            if (event != null) {
                handle(event);
            } else if (System.nanoTime() >= graceDeadline) {
                LOG.warnf(
                        "abandoning %d in-flight requests and %d cache lookups after the %s shutdown grace;"
                                + " their records are asked again on rerun",
                        unsettled(), lookupsInFlight, s.shutdownGrace());
                return;
            }
        }
    }

    private void handle(Event event) {
        if (event instanceof LookedUp lookedUp) {
            settleLookup(lookedUp);
        } else if (event instanceof Completion done) {
            settleRequest(done);
        }
        records.flush(); // once per event, not per record
    }

    private void settleRequest(Completion done) {
        markPartial(); // usually done already, in the wait for the first answers
        settledRequests++;
        long latencyMs = done.latencyMs();
        latencies.add(latencyMs);
        if (done instanceof Answered answered) {
            settleAnswered(answered, latencyMs);
        } else if (done instanceof Failed failed) {
            settleFailed(failed, latencyMs);
        }
    }

    private void settleAnswered(Answered answered, long latencyMs) {
        String endpoint = answered.endpoint();
        requestsByEndpoint.merge(endpoint, 1L, Long::sum);
        double cost = 0;
        Map<String, String> cacheWrites = new LinkedHashMap<>();
        for (int i = 0; i < answered.batch().size(); i++) {
            Pending pending = answered.batch().get(i);
            ItemAnswer a = answered.answers().get(i);
            double itemCost = s.pricing().cost(a.inputTokens(), a.outputTokens());
            cost += itemCost;
            tokensIn += a.inputTokens();
            tokensOut += a.outputTokens();
            StoredAnswer answer = StoredAnswer.of(a, endpoint, latencyMs);
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
            settle(pending, answer);
        }
        tokensInCounter.increment(
                answered.answers().stream().mapToLong(ItemAnswer::inputTokens).sum());
        tokensOutCounter.increment(
                answered.answers().stream().mapToLong(ItemAnswer::outputTokens).sum());
        slots.settle(answered.estimate(), cost);
        costThisRun += cost;
        costCounter.add(cost);
        ctx.progress().cost(cost);
        cache.putAll(cacheWrites);
    }

    private void settleFailed(Failed failed, long latencyMs) {
        slots.settle(failed.estimate(), 0);
        Throwable error = failed.error();
        if (error instanceof RemoteCallException remote && remote.requestRejected()) {
            for (Pending pending : failed.batch()) {
                for (Pending.Target target : pending.targets) {
                    rejects.reject(target.line(), "endpoint rejected the request: " + remote.getMessage(), target.id());
                    rejectedAfterReading++;
                }
                open.remove(pending.key);
            }
            return;
        }
        if (stopping()) {
            return; // the run is ending (SIGTERM, budget, an earlier failure): this request stopped waiting for it
        }
        fatal = error;
        failedRequests.increment();
        LOG.errorf(
                "every endpoint failed for a request of %d inputs: %s",
                failed.batch().size(),
                error instanceof RemoteCallException remote && remote.credentialsRefused()
                        ? credentialsRefused(remote)
                        : describe(error));
    }

    private void settle(Pending pending, StoredAnswer answer) {
        open.remove(pending.key);
        if (s.dedupe()) {
            answeredThisRun.put(pending.key, answer);
        }
    }

    private void writeRecord(Pending.Target target, StoredAnswer answer, double cost, OutputRecords.Reuse reuse) {
        records.write(target.id(), answer, cost, reuse);
        recordsOut++;
        ctx.progress().done(1);
    }

    /** A refused key is configuration (exit 2, no retry): the endpoint and the status, never the key. */
    private static String credentialsRefused(RemoteCallException remote) {
        return remote.endpoint() + " refused the API key (HTTP " + remote.status()
                + "): set podstage.infer.api-key (PODSTAGE_INFER_API_KEY, on Airflow the connection's password) to a key"
                + " it accepts";
    }

    private StageOutcome finish(long resumedRecords) {
        long done = recordsOut;
        records.flush();
        if (ctx.shutdown().requested()) {
            suspend();
            throw new StageException(
                    ExitCode.TRANSIENT,
                    "stopped by SIGTERM: " + done + " records answered and saved;" + " a rerun resumes from there");
        }
        if (fatal instanceof RemoteCallException remote && remote.credentialsRefused()) {
            suspend();
            throw new StageException(
                    ExitCode.USAGE,
                    credentialsRefused(remote) + "; " + done
                            + " records answered and saved, a rerun with a key it accepts resumes from there");
        }
        if (fatal != null) {
            suspend();
            String outage = fatal instanceof EndpointsDownException
                    ? ", longer than podstage.infer.max-outage (" + s.maxOutage() + ") allows"
                    : "";
            throw StageException.transientFailure(
                    "every endpoint failed (" + describe(fatal) + ")" + outage + "; " + done
                            + " records answered and saved, a rerun resumes from there",
                    fatal);
        }
        if (budgetStop) {
            suspend();
            throw new StageException(
                    ExitCode.BUDGET_EXCEEDED,
                    "budget reached before crossing it: " + slots.describeBudget() + "; " + done
                            + " records answered and saved; rerun with a larger podstage.infer.max-cost-usd to resume");
        }
        StageOutcome outcome = new StageOutcome(
                recordsIn,
                recordsOut,
                rejects.count(),
                0,
                List.of(DataUri.toUri(s.output())),
                metrics(resumedRecords),
                extra());
        try {
            outcome.requireNothingLost();
        } catch (StageException lost) {
            suspend(); // what was answered stays, marked: the rerun asks only for the records lost
            throw lost;
        }
        out.commit();
        rejects.commit();
        PartialOutput.finished(s.output());
        return outcome;
    }

    /** Leaves the partial output for a rerun, saying whose it is. */
    private void suspend() {
        markPartial();
        out.suspend();
    }

    private ObjectNode metrics(long resumedRecords) {
        ObjectNode m = StageOutcome.object();
        m.put("requests", slots.launched());
        m.put("retries", client == null ? 0 : client.retries());
        m.put("failovers", client == null ? 0 : client.failovers());
        m.put("cache_hits", cacheHits);
        m.put("cache_misses", cacheMisses);
        m.put("cache_available", cache.available());
        m.put("deduplicated", deduplicated);
        m.put("resumed", resumedRecords);
        m.put("tokens_in", tokensIn);
        m.put("tokens_out", tokensOut);
        m.put("cost_usd", round(costThisRun));
        m.put("cost_usd_total", round(slots.spent()));
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        m.put("latency_p50_ms", percentile(sorted, 0.50));
        m.put("latency_p95_ms", percentile(sorted, 0.95));
        ObjectNode byEndpoint = m.putObject("requests_by_endpoint");
        requestsByEndpoint.forEach(byEndpoint::put);
        return m;
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

    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double usd) {
        return Math.round(usd * 1e9) / 1e9;
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
