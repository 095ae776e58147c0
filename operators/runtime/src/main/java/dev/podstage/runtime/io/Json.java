package dev.podstage.runtime.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one ObjectMapper the stages use for records: strict parsing, compact writing. A value written
 * into a caller's generator is not flushed after it: the writers stream many records through one
 * generator and flush it themselves (Jackson's default flushed every record's tree down to a write
 * syscall: a seventh of a cached infer run's main thread).
 */
public final class Json {

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .build();

    private Json() {}
}
