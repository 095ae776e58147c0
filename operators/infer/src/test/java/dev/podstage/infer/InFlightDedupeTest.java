package dev.podstage.infer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class InFlightDedupeTest {

    private static final StoredAnswer ANSWER =
            StoredAnswer.of(new ItemAnswer(TextNode.valueOf("4"), 3, 1, false), "http://a", 7);

    @Test
    void aRecordWithAnOpenPromptJoinsIt() {
        InFlightDedupe dedupe = new InFlightDedupe(true);
        Pending first = new Pending("k", "2+2?", new Pending.Target("r1", 1));
        dedupe.opened(first);

        assertThat(dedupe.joinOpen("k", new Pending.Target("r2", 2))).isTrue();
        assertThat(first.targets).extracting(Pending.Target::id).containsExactly("r1", "r2");
        assertThat(dedupe.joinOpen("other", new Pending.Target("r3", 3))).isFalse();
    }

    @Test
    void aSettledPromptIsAnsweredFromTheRunWithoutJoining() {
        InFlightDedupe dedupe = new InFlightDedupe(true);
        Pending first = new Pending("k", "2+2?", new Pending.Target("r1", 1));
        dedupe.opened(first);
        dedupe.settled(first, ANSWER);

        assertThat(dedupe.joinOpen("k", new Pending.Target("r2", 2))).isFalse();
        assertThat(first.targets).hasSize(1);
        assertThat(dedupe.answered("k")).isSameAs(ANSWER);
    }

    @Test
    void aRejectedPromptIsAskedAfresh() {
        InFlightDedupe dedupe = new InFlightDedupe(true);
        Pending first = new Pending("k", "2+2?", new Pending.Target("r1", 1));
        dedupe.opened(first);
        dedupe.dropped(first);

        assertThat(dedupe.joinOpen("k", new Pending.Target("r2", 2))).isFalse();
        assertThat(dedupe.answered("k")).isNull();
    }

    @Test
    void switchedOffEveryRecordIsItsOwnInput() {
        InFlightDedupe dedupe = new InFlightDedupe(false);
        Pending first = new Pending("k", "2+2?", new Pending.Target("r1", 1));
        dedupe.opened(first);
        assertThat(dedupe.joinOpen("k", new Pending.Target("r2", 2))).isFalse();
        dedupe.settled(first, ANSWER);
        assertThat(dedupe.answered("k")).isNull();
    }
}
