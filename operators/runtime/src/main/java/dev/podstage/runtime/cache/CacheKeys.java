package dev.podstage.runtime.cache;

import dev.podstage.runtime.io.CanonicalJson;

/**
 * {@code podstage:<namespace>:<sha256 of canonical JSON>} of everything that determines the
 * answer (model, parameters, input, protocol). Callers must never put a secret in {@code what}.
 */
public final class CacheKeys {

    private CacheKeys() {}

    public static String of(String namespace, Object what) {
        return prefix(namespace) + CanonicalJson.sha256(what);
    }

    /** What every key of {@code namespace} starts with, before the digest. */
    static String prefix(String namespace) {
        return "podstage:" + namespace + ":";
    }
}
