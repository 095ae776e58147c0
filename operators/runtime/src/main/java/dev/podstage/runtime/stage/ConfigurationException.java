package dev.podstage.runtime.stage;

/** The configuration cannot work (a bad value, refused credentials): exit 2, and no retry mends it. */
public class ConfigurationException extends StageException {

    public ConfigurationException(String message) {
        super(message);
    }

    @Override
    public int exitCode() {
        return ExitCode.USAGE;
    }
}
