package dev.podstage.ingest;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * A URL as it may be shown — in records' {@code source}, logs, rejects and error messages: without
 * user info ({@code user:password@}) and with the values of query parameters that look like
 * credentials (presigned-URL signatures, tokens, keys) replaced by {@code ****}. The request itself
 * uses the URL as given.
 */
final class SafeUrl {

    private static final Pattern SECRET_PARAM = Pattern.compile(
            "(?i)([?&][^=&#]*(?:sig|signature|token|key|secret|credential|password|auth)[^=&#]*=)[^&#]*");

    private SafeUrl() {}

    static String display(String url) {
        String shown = url;
        try {
            URI uri = URI.create(url);
            if (uri.getRawUserInfo() != null) {
                shown = shown.replaceFirst(Pattern.quote(uri.getRawUserInfo() + "@"), "");
            }
        } catch (IllegalArgumentException e) {
            // Not parseable: shown as given, minus what the pattern below removes.
        }
        return SECRET_PARAM.matcher(shown).replaceAll("$1****");
    }
}
