package dev.podstage.preprocess;

import java.text.Normalizer;

/** The Unicode normalisation applied to every text: NFC by default (composed, lossless), NFKC or none. */
public enum UnicodeForm {
    NFC,
    NFKC,
    NONE;

    String apply(String text) {
        switch (this) {
            case NFC:
                return Normalizer.normalize(text, Normalizer.Form.NFC);
            case NFKC:
                return Normalizer.normalize(text, Normalizer.Form.NFKC);
            default:
                return text;
        }
    }
}
