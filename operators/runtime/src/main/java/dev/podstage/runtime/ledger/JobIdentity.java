package dev.podstage.runtime.ledger;

import dev.podstage.runtime.io.CanonicalJson;
import java.util.List;
import java.util.Map;

/**
 * What makes two runs the same job: stage, stage version, the configuration that determines the
 * answer, and the digests of the inputs. A pure function of those: never time, randomness or the
 * try number.
 */
public record JobIdentity(String stage, String stageVersion, String key) {

    public static JobIdentity of(String stage, String stageVersion, Object answerConfig, List<String> inputDigests) {
        String key = CanonicalJson.sha256(Map.of(
                "stage", stage,
                "version", stageVersion,
                "config", answerConfig,
                "inputs", inputDigests));
        return new JobIdentity(stage, stageVersion, key);
    }
}
