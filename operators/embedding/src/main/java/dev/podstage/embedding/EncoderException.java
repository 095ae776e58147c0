package dev.podstage.embedding;

/** The encoder cannot open or run; the message says why and, where it can, what to change. */
public class EncoderException extends RuntimeException {

    public EncoderException(String message) {
        super(message);
    }

    public EncoderException(String message, Throwable cause) {
        super(message, cause);
    }
}
