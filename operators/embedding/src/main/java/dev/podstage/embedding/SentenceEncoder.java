package dev.podstage.embedding;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * all-MiniLM-L6-v2 sentence embeddings on ONNX Runtime: 384-dimensional, L2-normalised vectors,
 * computed as sentence-transformers does (WordPiece tokens truncated at {@value #MAX_TOKENS}, mean
 * pooling over the attention mask, L2 normalisation).
 *
 * <p>{@link #encode} is thread-safe: several threads may share one encoder (one model in memory), each
 * run using up to {@link EncoderSettings#intraOpThreads()} threads. Close it once no encode is running.
 */
public final class SentenceEncoder implements AutoCloseable {

    public static final String MODEL_NAME = "all-MiniLM-L6-v2";
    public static final int DIMENSION = 384;
    /** sentence-transformers' max_seq_length for this model: longer texts are truncated. */
    public static final int MAX_TOKENS = 256;
    /** Texts per model run; a longer list is split (after sorting by length, to pad little). */
    static final int MAX_BATCH = 128;

    private static final Logger LOG = Logger.getLogger(SentenceEncoder.class);

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final boolean takesTokenTypes;
    private volatile boolean closed;

    private SentenceEncoder(OrtEnvironment environment, OrtSession session, HuggingFaceTokenizer tokenizer) {
        this.environment = environment;
        this.session = session;
        this.tokenizer = tokenizer;
        this.takesTokenTypes = session.getInputNames().contains("token_type_ids");
    }

    /** Loads the model and tokenizer (about a second on a CPU); fails with {@link EncoderException}. */
    public static SentenceEncoder open(EncoderSettings settings) {
        long start = System.nanoTime();
        NativeLibraries.prepare(settings.workDir());
        HuggingFaceTokenizer tokenizer = openTokenizer();
        OrtSession session = null;
        try {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            try (OrtSession.SessionOptions options = OrtSupport.sessionOptions(settings)) {
                session = environment.createSession(
                        ModelFiles.model(settings.workDir()).toString(), options);
            }
            checkModel(session);
            SentenceEncoder encoder = new SentenceEncoder(environment, session, tokenizer);
            LOG.infof(
                    "%s loaded on %s with %d intra-op thread(s) in %d ms",
                    MODEL_NAME, settings.device(), settings.intraOpThreads(), (System.nanoTime() - start) / 1_000_000);
            return encoder;
        } catch (OrtException | RuntimeException e) {
            tokenizer.close();
            closeQuietly(session);
            if (e instanceof EncoderException encoderException) {
                throw encoderException;
            }
            throw new EncoderException("cannot load " + MODEL_NAME + " into ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static HuggingFaceTokenizer openTokenizer() {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("truncation", "true");
        options.put("maxLength", Integer.toString(MAX_TOKENS));
        options.put("padding", "false"); // the file asks for fixed padding to 128; TokenBatch pads per batch
        try (InputStream json = ModelFiles.open(ModelFiles.TOKENIZER)) {
            return HuggingFaceTokenizer.newInstance(json, options);
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            throw new EncoderException("cannot load the tokenizer of " + MODEL_NAME + ": " + e, e);
        }
    }

    private static void checkModel(OrtSession session) throws OrtException {
        if (!session.getInputNames().containsAll(List.of("input_ids", "attention_mask"))) {
            throw new EncoderException("unexpected model inputs " + session.getInputNames());
        }
        var info = session.getOutputInfo().values().iterator().next().getInfo();
        if (!(info instanceof ai.onnxruntime.TensorInfo tensor)
                || tensor.getShape().length != 3
                || tensor.getShape()[2] != DIMENSION) {
            throw new EncoderException(
                    "unexpected model output " + info + "; expected [batch, tokens, " + DIMENSION + "]");
        }
    }

    public int dimension() {
        return DIMENSION;
    }

    public String modelName() {
        return MODEL_NAME;
    }

    /** One L2-normalised vector per text, in the order of {@code texts}. */
    public float[][] encode(List<String> texts) {
        if (closed) {
            throw new IllegalStateException("encoder is closed");
        }
        float[][] vectors = new float[texts.size()][];
        if (texts.size() <= MAX_BATCH) {
            return texts.isEmpty() ? vectors : run(texts);
        }
        int[] order = IntStream.range(0, texts.size())
                .boxed()
                .sorted(Comparator.comparingInt(i -> texts.get(i).length()))
                .mapToInt(Integer::intValue)
                .toArray();
        for (int from = 0; from < order.length; from += MAX_BATCH) {
            int to = Math.min(order.length, from + MAX_BATCH);
            List<String> slice = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                slice.add(texts.get(order[i]));
            }
            float[][] sliceVectors = run(slice);
            for (int i = from; i < to; i++) {
                vectors[order[i]] = sliceVectors[i - from];
            }
        }
        return vectors;
    }

    private float[][] run(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        List<TokenBatch.Sequence> sequences = new ArrayList<>(encodings.length);
        for (Encoding e : encodings) {
            sequences.add(new TokenBatch.Sequence(e.getIds(), e.getAttentionMask(), e.getTypeIds()));
        }
        TokenBatch batch = TokenBatch.of(sequences);
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.ids()), batch.shape()));
            inputs.put(
                    "attention_mask",
                    OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.mask()), batch.shape()));
            if (takesTokenTypes) {
                inputs.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(environment, LongBuffer.wrap(batch.types()), batch.shape()));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                return MeanPooling.pool(hidden, batch.mask(), batch.rows(), batch.columns(), DIMENSION);
            }
        } catch (OrtException e) {
            throw new EncoderException(
                    "ONNX Runtime failed on a batch of " + texts.size() + " texts: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    /** Cosine similarity; 0 when either vector is all zeros. */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of different lengths: " + a.length + " and " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(session);
        tokenizer.close();
    }

    private static void closeQuietly(OrtSession session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.debugf("closing the ONNX session: %s", e.getMessage());
        }
    }
}
